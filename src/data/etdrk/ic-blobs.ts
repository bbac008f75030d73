// Gaussian blobs (scenarios §6, Exponax's RandomGaussianBlobs): each blob has
// a centre p_d ~ U(lo L, hi L) and a variance v_d ~ U(lo L, hi L) per axis
// (drawn p, then v), b(x) = exp(-1/2 sum_d (x_d - p_d)^2 / v_d) on the grid
// x_j = j L / N, not wrapped around the periodic domain, and the state is
// the blobs' mean. Gray–Scott's substrate channel is the complement 1 - b.
import type { Rng } from '../rng.js';
import type { Grid } from './grid.js';
import { normalise, type Normalisation } from './ic-normalise.js';

export interface BlobsIc extends Normalisation {
  readonly count: number;
  /** The range of the centres, as fractions of the extent. */
  readonly position: readonly [number, number];
  /** The range of the variances, as fractions of the extent. */
  readonly variance: readonly [number, number];
}

/** The blobs' mean, or 1 minus it (`complement`), then the normalisations. */
export function blobsState(g: Grid, ic: BlobsIc, rng: Rng, complement = false): Float64Array {
  const L = g.extent;
  const blobs = Array.from({ length: ic.count }, () => {
    const p = Array.from({ length: g.dims }, () => rng.uniform(ic.position[0] * L, ic.position[1] * L));
    const v = Array.from({ length: g.dims }, () => rng.uniform(ic.variance[0] * L, ic.variance[1] * L));
    return { p, v };
  });
  const u = new Float64Array(g.points ** g.dims);
  const x = new Array<number>(g.dims);
  for (let i = 0; i < u.length; i++) {
    for (let d = g.dims - 1, rest = i; d >= 0; d--, rest = Math.floor(rest / g.points)) x[d] = ((rest % g.points) * L) / g.points;
    const mean = blobs.reduce((a, { p, v }) => a + Math.exp(-0.5 * x.reduce((s, xd, d) => s + (xd - p[d]!) ** 2 / v[d]!, 0)), 0) / ic.count;
    u[i] = complement ? 1 - mean : mean;
  }
  return normalise(u, ic);
}
