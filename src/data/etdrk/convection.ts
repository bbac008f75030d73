// The solvers whose nonlinear term is convection, one channel on every axis
// (Exponax's single-channel form, scenarios §3): Burgers, Korteweg–de Vries
// and the conservative Kuramoto–Sivashinsky. They differ only in L.
import { complex, type Complex } from '../../math/etdrk.js';
import type { Bin } from './grid.js';
import { norm2 } from './grid.js';
import type { Spectral } from './spectral.js';
import type { Solver } from './step.js';

/** i sum_d kappa_d: the symbol of sum_d d_d, times c. */
const iSum = (b: Bin, c: number): Complex => complex(0, c * b.kappa.reduce((a, k) => a + k, 0));

/**
 * Convection of scale s:
 *   conservative:      N = -s 1/2 (sum_d d_d)(u^2)
 *   non-conservative:  N = -s u (sum_d d_d) u.
 */
export function convection(scale: number, conservative: boolean): NonNullable<Solver['nonlinear']> {
  return (s: Spectral, X: string) => {
    const u = s.toField('u', s.diag('Xp', X, (b) => complex(s.mask(b))));
    if (conservative) {
      const sq = s.toSpectrum('usq', s.ew('sq', 'square', u));
      return s.diag('N', sq, (b) => iSum(b, -0.5 * scale * s.postMask(b)));
    }
    const du = s.toField('du', s.diag('dX', X, (b) => iSum(b, s.mask(b))));
    return s.diag('N', s.toSpectrum('udu', s.ew('prod', 'mul', u, du)), (b) => complex(-scale * s.postMask(b)));
  };
}

/** Viscous Burgers: L = -nu |kappa|^2, N convection. */
export function burgers(nu: number, scale: number, conservative: boolean): Solver {
  return { linear: (b) => complex(-nu * norm2(b)), nonlinear: convection(scale, conservative) };
}

/**
 * Korteweg–de Vries: L = -nu |kappa|^2 - a sum_d (i kappa_d)^3 - zeta sum_d
 * kappa_d^4, N convection of scale s (Exponax's -6: u_t = 6 u u_x - u_xxx).
 * (i kappa)^3 = -i kappa^3, so the dispersion is +i a kappa^3.
 */
export function kortewegDeVries(nu: number, dispersivity: number, zeta: number, scale: number, conservative: boolean): Solver {
  return {
    linear: (b) => complex(-nu * norm2(b) - zeta * b.kappa.reduce((a, k) => a + k ** 4, 0), dispersivity * b.kappa.reduce((a, k) => a + k ** 3, 0)),
    nonlinear: convection(scale, conservative),
  };
}

/** Kuramoto–Sivashinsky in conservative form: KS's L, N = -s 1/2 (sum_d d_d)(u^2). */
export function ksConservative(psi1: number, psi2: number, scale: number): Solver {
  return {
    linear: (b) => complex(psi1 * norm2(b) - psi2 * b.kappa.reduce((a, k) => a + k ** 4, 0)),
    nonlinear: convection(scale, true),
  };
}
