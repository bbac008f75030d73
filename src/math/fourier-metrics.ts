// Exponax's Fourier aggregate of one channel x on a periodic grid of extent
// 1: F_{p,q}(x) = Σ_components ((1/M) Σ_b |Y_b|^p c_b / M)^q over the bins b
// of X = rfftn(x), M the number of grid points. With p = 2, q = 1 and no band
// or derivative it is the spatial mean of x² (Parseval with the half
// spectrum's weights c_b), so the Fourier and spatial MSE agree.
import { rfftn } from './fft.js';
import { largest, scaledPower } from './scaled.js';

/**
 * Bins kept: NOT (every |k_d| <= low - 1) AND (every |k_d| <= high) —
 * hypercubes, both ends inclusive, as Exponax selects them.
 */
export interface Band {
  low: number;
  high: number;
}

/**
 * Exponax zeroes coefficients below this absolute magnitude (of the
 * unnormalised transform) before aggregating, so float noise in empty modes
 * adds nothing.
 */
const THRESHOLD = 1e-5;

/**
 * `space`: x's spatial shape (D axes). `order` m: D components
 * Y_d = (iκ_d)^m X with κ = 2πk (m = 0 gives D identical copies); without
 * it one component, Y = X.
 */
export function fourierAggregate(x: Float64Array, space: readonly number[], p: number, q: number, band?: Band, order?: number): number {
  const dims = space.length;
  const spec = rfftn(x, space, dims);
  const last = space.at(-1)!;
  const half = spec.shape.at(-1)!;
  const points = x.length;
  const components = order === undefined ? 1 : dims;
  const sums = new Float64Array(components);
  const k = new Array<number>(dims);
  const kept = new Float64Array(spec.re.length);
  for (let b = 0; b < spec.re.length; b++) {
    const magnitude = Math.hypot(spec.re[b]!, spec.im[b]!);
    wavenumbers(b, spec.shape, k);
    kept[b] = magnitude < THRESHOLD || (band && !inBand(k, band)) ? 0 : magnitude;
  }
  // Each magnitude divided by the largest before |·|^p (scaled.ts).
  const m = largest(kept);
  for (let b = 0; b < spec.re.length; b++) {
    if (kept[b] === 0) continue;
    wavenumbers(b, spec.shape, k);
    const j = b % half;
    const weight = (j === 0 || 2 * j === last ? 1 : 2) * (kept[b]! / m) ** p;
    if (order === undefined) sums[0]! += weight;
    // |(iκ)^m X|^p = |κ|^(mp) |X|^p; 0^0 = 1 keeps the order-0 copies whole.
    else for (let d = 0; d < dims; d++) sums[d]! += Math.abs(2 * Math.PI * k[d]!) ** (order * p) * weight;
  }
  return sums.reduce((a, s) => a + scaledPower(m, p, q, s / points / points), 0);
}

/** The integer wavevector of flat bin b: the last axis 0..N/2, the others in fftfreq order. */
function wavenumbers(b: number, shape: readonly number[], k: number[]): void {
  for (let d = shape.length - 1, rest = b; d >= 0; d--) {
    const n = shape[d]!;
    const i = rest % n;
    rest = Math.floor(rest / n);
    k[d] = d === shape.length - 1 || 2 * i < n ? i : i - n;
  }
}

function inBand(k: readonly number[], band: Band): boolean {
  const below = k.every((x) => Math.abs(x) <= band.low - 1);
  return !below && k.every((x) => Math.abs(x) <= band.high);
}
