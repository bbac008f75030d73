// Reaction terms: the solvers whose nonlinear term is a polynomial of u
// (scenarios §3, §4): Fisher–KPP and Swift–Hohenberg. The linear part of the
// reaction (r u) lives in L, where ETDRK integrates it exactly.
import { complex } from '../../math/etdrk.js';
import { norm2 } from './grid.js';
import type { Spectral } from './spectral.js';
import type { Solver } from './step.js';

/**
 * N = sum_{p >= 1} c_p u^p (c_0 must be 0: a constant field has no op here),
 * each power transformed on its own and scaled by c_p, so that no op beyond
 * products and spectral_scale is needed.
 */
export function polynomial(coefficients: readonly number[]): NonNullable<Solver['nonlinear']> {
  if (coefficients[0] !== 0) throw new Error('internal: a polynomial term with a constant');
  return (s: Spectral, X: string) => {
    const Xp = s.diag('Xp', X, (b) => complex(s.mask(b)));
    const u = s.toField('u', Xp);
    const terms: string[] = [];
    let power = u;
    coefficients.forEach((c, p) => {
      if (p >= 2) power = p === 2 ? s.ew('u2', 'square', u) : s.ew(`u${p}`, 'mul', power, u);
      if (p === 0 || c === 0) return;
      const spectrum = p === 1 ? Xp : s.toSpectrum(`U${p}`, power);
      terms.push(s.diag(`c${p}`, spectrum, (b) => complex(c * s.postMask(b))));
    });
    return s.sum('N', terms);
  };
}

/** Fisher–KPP, u_t = nu Laplace u + r u (1 - u): L = -nu |kappa|^2 + r, N = -r u^2. */
export function fisherKpp(nu: number, reactivity: number): Solver {
  return { linear: (b) => complex(-nu * norm2(b) + reactivity), nonlinear: polynomial([0, 0, -reactivity]) };
}

/** Swift–Hohenberg: L = r - (k_c - |kappa|^2)^2, N = u^2 - u^3 (Exponax's default polynomial). */
export function swiftHohenberg(reactivity: number, critical: number): Solver {
  return { linear: (b) => complex(reactivity - (critical - norm2(b)) ** 2), nonlinear: polynomial([0, 0, 1, -1]) };
}
