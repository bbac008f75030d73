// The `fourier` initial state of the spectral scenarios (scenarios §6): a
// truncated Fourier series with uniform amplitudes and phases (APEBench's
// default law, Exponax 0.1.0), then the normalisations in their order.
import { irfftn } from '../../math/fft.js';
import { UserError } from '../../util/diagnostics.js';
import type { Rng } from '../rng.js';
import { checkNormalisation, normalise, type Normalisation } from './ic-normalise.js';
import type { Grid } from './grid.js';
import { bins, spectrumAxes } from './grid.js';

export interface FourierIc extends Normalisation {
  readonly cutoff: number;
  /** The range the mean is drawn from when it is not zero. */
  readonly offset: readonly [number, number];
}

export const FOURIER_DEFAULTS: FourierIc = { cutoff: 5, zeroMean: true, maxOne: false, stdOne: false, offset: [-0.5, 0.5] };

/**
 * One channel's state: every bin with |k_d| <= cutoff on every axis gets
 * A e^{i phi}, A ~ U(-1, 1), phi ~ U(0, 2 pi) (all A, then all phi, bins
 * row-major), times prod_d s(k_d) with s = N at k_d in {0, N/2}, else N/2;
 * bin 0 gets the offset times N^D; u = irfftn. In 1-D that is
 *   u = offset + sum_{k=1}^{cutoff} A_k cos(kappa_k x + phi_k).
 */
export function fourierState(g: Grid, ic: FourierIc, rng: Rng): Float64Array {
  checkNormalisation(ic);
  if (ic.cutoff > Math.floor(g.points / 2) - 1) throw new UserError(`cutoff ${ic.cutoff} needs more than ${2 * ic.cutoff + 1} points, got ${g.points}`);
  const all = bins(g);
  const kept = all.flatMap((b, i) => (b.k.every((k) => Math.abs(k) <= ic.cutoff) ? [i] : []));
  const amp = kept.map(() => rng.uniform(-1, 1));
  const phase = kept.map(() => rng.uniform(0, 2 * Math.PI));
  const re = new Float64Array(all.length);
  const im = new Float64Array(all.length);
  const s = (k: number) => (k === 0 || 2 * Math.abs(k) === g.points ? g.points : g.points / 2);
  kept.forEach((i, j) => {
    const scale = amp[j]! * all[i]!.k.reduce((a, k) => a * s(k), 1);
    re[i] = scale * Math.cos(phase[j]!);
    im[i] = scale * Math.sin(phase[j]!);
  });
  re[0] = (ic.zeroMean ? 0 : rng.uniform(ic.offset[0], ic.offset[1])) * g.points ** g.dims;
  im[0] = 0;
  const u = irfftn({ re, im }, spectrumAxes(g), g.dims, g.points).data;
  return normalise(u, ic);
}
