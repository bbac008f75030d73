// Initial states made from white noise (scenarios §6, Exponax >= 0.2):
// u ~ N(0, 1) at every grid point, row-major, then a filter in Fourier space
// whose wavevectors are those of the unit domain (kappa = 2 pi k whatever the
// data's extent), then the normalisations.
import { irfftn, rfftn } from '../../math/fft.js';
import type { Rng } from '../rng.js';
import type { Grid } from './grid.js';
import { bins, norm2 } from './grid.js';
import { normalise, type Normalisation } from './ic-normalise.js';

export interface GrfIc extends Normalisation {
  /** gamma: the amplitude of a mode falls as |kappa|^(-gamma / 2). */
  readonly exponent: number;
}

export interface DiffusedIc extends Normalisation {
  /** epsilon: the noise diffused by nu = epsilon for a unit time. */
  readonly intensity: number;
}

/** A Gaussian random field: the noise's modes times |kappa|^(-gamma/2), the mean's times 1. */
export function grfState(g: Grid, ic: GrfIc, rng: Rng): Float64Array {
  return normalise(filtered(g, rng, (k2) => (k2 === 0 ? 1 : k2 ** (-ic.exponent / 4))), ic);
}

/** The noise after one exact step of diffusion: its modes times e^{-epsilon |kappa|^2}. */
export function diffusedState(g: Grid, ic: DiffusedIc, rng: Rng): Float64Array {
  return normalise(filtered(g, rng, (k2) => Math.exp(-ic.intensity * k2)), ic);
}

/** Noise drawn on `g`, each mode times gain(|kappa|^2) with kappa of the unit domain. */
function filtered(g: Grid, rng: Rng, gain: (kappa2: number) => number): Float64Array {
  const shape = Array<number>(g.dims).fill(g.points);
  const noise = Float64Array.from({ length: g.points ** g.dims }, () => rng.normal());
  const X = rfftn(noise, shape, g.dims);
  bins({ ...g, extent: 1 }).forEach((b, i) => {
    const m = gain(norm2(b));
    X.re[i]! *= m;
    X.im[i]! *= m;
  });
  return irfftn(X, X.shape, g.dims, g.points).data;
}
