// 2-D incompressible Navier–Stokes in vorticity form (scenarios §3): the
// streamfunction solves Laplace psi = -omega, the velocity is
// v = (d_1 psi, -d_0 psi) (axis 0 first, Exponax's code, not its docstring),
// and N = -s (v_0 d_0 omega + v_1 d_1 omega). Kolmogorov flow adds a steady
// forcing -n sigma cos(2 pi n x_1 / L) on the last axis.
import { complex } from '../../math/etdrk.js';
import { UserError } from '../../util/diagnostics.js';
import type { Bin } from './grid.js';
import { norm2 } from './grid.js';
import type { Spectral } from './spectral.js';
import type { Solver } from './step.js';

/** 1 / |kappa|^2 times (-1), psi's factor; 1 at kappa = 0, where every derivative is 0 anyway. */
const psiOf = (b: Bin) => (norm2(b) === 0 ? 1 : -1 / norm2(b));

function vorticityTerm(scale: number): NonNullable<Solver['nonlinear']> {
  return (s: Spectral, X: string) => {
    const d = (name: string, f: (b: Bin) => number) => s.toField(name, s.diag(`${name}.X`, X, (b) => complex(0, f(b) * s.mask(b))));
    const v0 = d('v0', (b) => b.kappa[1]! * psiOf(b));
    const v1 = d('v1', (b) => -b.kappa[0]! * psiOf(b));
    const w0 = d('w0', (b) => b.kappa[0]!);
    const w1 = d('w1', (b) => b.kappa[1]!);
    const adv = s.ew('adv', 'add', s.ew('adv0', 'mul', v0, w0), s.ew('adv1', 'mul', v1, w1));
    return s.diag('N', s.toSpectrum('ADV', adv), (b) => complex(-scale * s.postMask(b)));
  };
}

function twoD(name: string, dims: number): void {
  if (dims !== 2) throw new UserError(`${name} is a 2-D system, but dims is ${dims}`, 'write dims 2');
}

/** Decaying turbulence: L = -nu |kappa|^2 + drag. */
export function navierStokes(dims: number, nu: number, scale: number, drag: number): Solver {
  twoD('navier_stokes', dims);
  return { linear: (b) => complex(-nu * norm2(b) + drag), nonlinear: vorticityTerm(scale) };
}

/**
 * Kolmogorov flow: Navier–Stokes plus the forcing, whose spectrum is
 * -n sigma N^2 / 2 on bin (k_0, k_1) = (0, n) and 0 elsewhere, added after
 * post-dealiasing. A spectrum of ones scaled by (F/2)(1 - i) is F + 0i
 * there, as (1 + i)(1 - i) = 2.
 */
export function kolmogorov(dims: number, nu: number, scale: number, drag: number, mode: number, sigma: number): Solver {
  twoD('kolmogorov', dims);
  const term = vorticityTerm(scale);
  return {
    linear: (b) => complex(-nu * norm2(b) + drag),
    nonlinear(s: Spectral, X: string) {
      const F = (-mode * sigma * s.grid.points ** 2) / 2;
      const ones = s.constant('ones', X, 1);
      const force = s.diag('force', ones, (b) => (b.k[0] === 0 && b.k[1] === mode ? complex(F / 2, -F / 2) : complex(0)));
      return s.ew('NF', 'add', term(s, X), force);
    },
  };
}
