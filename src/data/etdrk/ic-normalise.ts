// What every initial-state law does after its draw (scenarios §6), per
// channel and in this order: subtract the mean, divide by the standard
// deviation, divide by max |u|, and last an affine map of [min u, max u]
// onto a range (Fisher–KPP's densities on [0, 1]).
import { UserError } from '../../util/diagnostics.js';

export interface Normalisation {
  readonly zeroMean: boolean;
  readonly stdOne: boolean;
  readonly maxOne: boolean;
  readonly clamp?: readonly [number, number];
}

/**
 * The checker reports these at their spans; this is for callers that build
 * a law in code. A std of one and a max of one cannot both hold, and a std
 * about a mean that was kept is not what std_one means.
 */
export function checkNormalisation(n: Normalisation): void {
  if (n.stdOne && n.maxOne) throw new UserError('std_one and max_one cannot both be true');
  if (n.stdOne && !n.zeroMean) throw new UserError('std_one needs zero_mean true');
}

export function normalise(u: Float64Array, n: Normalisation): Float64Array {
  const mean = u.reduce((a, x) => a + x, 0) / u.length;
  let v = n.zeroMean ? u.map((x) => x - mean) : u;
  if (n.stdOne) {
    const std = Math.sqrt(v.reduce((a, x) => a + x * x, 0) / v.length);
    v = v.map((x) => x / std);
  }
  if (n.maxOne) {
    const max = v.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
    v = v.map((x) => x / max);
  }
  if (n.clamp) {
    const [lo, hi] = n.clamp;
    const min = v.reduce((a, x) => Math.min(a, x), Infinity);
    const max = v.reduce((a, x) => Math.max(a, x), -Infinity);
    v = v.map((x) => ((x - min) / (max - min)) * (hi - lo) + lo);
  }
  return v;
}
