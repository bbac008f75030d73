// The PDEs of the spectral solver family, each defined once: its linear
// symbol L(kappa) and its nonlinear term N as IR on spectra (scenarios §3,
// §4). A field is [B, 1, N, …, N]; derivatives are i kappa_d on every bin
// (the irfft rule decides what survives at Nyquist), products are taken on
// the grid after the spectrum is masked (pre-dealiasing), and a term's result
// is masked again when post-dealiasing is on (folded into its last factor).
import { complex } from '../../math/etdrk.js';
import type { Bin } from './grid.js';
import { norm2 } from './grid.js';
import type { Spectral } from './spectral.js';
import type { Solver } from './step.js';

/** u_t + sum_d c_d d_d u = 0: L = -sum_d c_d i kappa_d. */
export function advection(velocity: readonly number[]): Solver {
  return { linear: (b) => complex(0, -b.kappa.reduce((a, k, d) => a + velocity[d]! * k, 0)) };
}

/** u_t = sum_d nu_d d_d^2 u: L = -sum_d nu_d kappa_d^2 (one nu: the Laplacian). */
export function diffusion(nu: readonly number[]): Solver {
  return { linear: (b) => complex(-b.kappa.reduce((a, k, d) => a + nu[d]! * k * k, 0)) };
}

/** u_t + sum_d c_d d_d u = nu Laplace u. */
export function advectionDiffusion(velocity: readonly number[], nu: number): Solver {
  return { linear: (b) => complex(-nu * norm2(b), -b.kappa.reduce((a, k, d) => a + velocity[d]! * k, 0)) };
}

/** u_t = sum_d a_d d_d^3 u: L = sum_d a_d (i kappa_d)^3 = -i sum_d a_d kappa_d^3. */
export function dispersion(dispersivity: readonly number[]): Solver {
  return { linear: (b) => complex(0, -b.kappa.reduce((a, k, d) => a + dispersivity[d]! * k ** 3, 0)) };
}

/** u_t = -zeta sum_d d_d^4 u: L = -zeta sum_d kappa_d^4 (no mixed terms, as Exponax). */
export function hyperDiffusion(zeta: number): Solver {
  return { linear: (b) => complex(-zeta * b.kappa.reduce((a, k) => a + k ** 4, 0)) };
}

/**
 * Kuramoto–Sivashinsky in Exponax's form: L = psi1 |kappa|^2 - psi2 sum_d
 * kappa_d^4 (the fourth-order term without mixed products), and the
 * gradient norm N = -s 1/2 (|grad u|^2 - mean |grad u|^2), the mean removed
 * by zeroing bin 0 of the result.
 */
export function kuramotoSivashinsky(psi1: number, psi2: number, gradientNorm: number): Solver {
  return {
    linear: (b) => complex(psi1 * norm2(b) - psi2 * b.kappa.reduce((a, k) => a + k ** 4, 0)),
    nonlinear(s: Spectral, X: string) {
      const squares = Array.from({ length: s.grid.dims }, (_, d) => {
        const du = s.toField(`du${d}`, s.diag(`dX${d}`, X, (b) => complex(0, b.kappa[d]! * s.mask(b))));
        return s.ew(`sq${d}`, 'square', du);
      });
      const grad2 = s.toSpectrum('g2', s.sum('gsum', squares));
      const mean0 = (b: Bin) => (b.k.every((k) => k === 0) ? 0 : 1);
      return s.diag('N', grad2, (b) => complex(-0.5 * gradientNorm * s.postMask(b) * mean0(b)));
    },
  };
}
