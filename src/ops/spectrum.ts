// What rfft and irfft share: the half spectrum's shape, the interleaving of
// complex values as a trailing axis of 2 (re, im), the per-bin weights their
// VJPs apply, and their FLOPs.
//
// The VJPs. With c_k = 1 for the bins of the last axis that are their own
// mirror image (k = 0, and k = n/2 for even n) and c_k = 2 for the others,
// both maps are sums over the half spectrum H of N = N_1 … N_d points:
//   rfft:   X_k = sum_j x_j e^{-i theta_kj}
//   irfft:  y_j = (1/N) Re sum_{k in H} c_k Y_k e^{+i theta_kj}
// (the second is numpy's irfftn: each bin k of 0 < k < n/2 stands for itself
// and its mirror, and taking the real part is what drops the imaginary parts
// of the self-mirrored bins). For a real-linear map the cotangent of an input
// is sum over outputs of cot * d out / d in, with a complex value's cotangent
// G = Gre + i Gim pairing as Re(conj(G) dX):
//   rfft:   xbar_j = Re sum_{k in H} G_k e^{+i theta_kj} = irfft(G * N / c)_j,
//   irfft:  Ybar_k = (c_k / N) sum_j ybar_j e^{-i theta_kj} = (c_k / N) rfft(ybar)_k.
// So neither transposes to the other alone: a bin that irfft counts twice
// (c = 2) is counted once in rfft's cotangent, and the weights say so.
import type { Dim, GraphBuilder, Shape } from '../ir/graph.js';
import { elements, shapeText } from '../ir/graph.js';
import { sizeDim, whole } from './attrs.js';
import type { Tensor } from './op.js';
import { ShapeError } from './op.js';

/** Bins numpy's rfft keeps of a last axis of n points. */
export function halfBins(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** The transformed axes' sizes of a real field: the last `dims` (1 to 3), fixed sizes, past at least one leading axis. */
export function realAxes(x: Shape, dims: number, op: string): number[] {
  whole(dims, 'dims', op);
  if (dims < 1 || dims > 3) throw new ShapeError(`${op} transforms 1, 2 or 3 axes, not ${dims}`);
  if (x.length <= dims) throw new ShapeError(`${op} over ${dims} axes needs a leading axis too, got ${shapeText(x)}`);
  return x.slice(x.length - dims).map((_, a) => sizeDim(x, x.length - dims + a, op));
}

/** The half spectrum of a real field of shape x: the last axis halved, then (re, im). */
export function spectrumShape(x: Shape, dims: number, op: string): Dim[] {
  const n = realAxes(x, dims, op).at(-1)!;
  return [...x.slice(0, -1), halfBins(n), 2];
}

/** Interleaves two arrays as (re, im) pairs. */
export function interleave(re: Float64Array, im: Float64Array): Float64Array {
  const out = new Float64Array(2 * re.length);
  re.forEach((r, i) => {
    out[2 * i] = r;
    out[2 * i + 1] = im[i]!;
  });
  return out;
}

/** The complex values of a tensor whose last axis is (re, im). */
export function complexOf(t: Tensor): { re: Float64Array; im: Float64Array } {
  const half = t.data.length / 2;
  return { re: Float64Array.from({ length: half }, (_, i) => t.data[2 * i]!), im: Float64Array.from({ length: half }, (_, i) => t.data[2 * i + 1]!) };
}

/**
 * The spectrum `x` ([…, bins, 2], the last transformed axis having n real
 * points) with its self-mirrored bins (0, and n/2 for even n) times `edge`
 * and the others times `inner`: slices of the bin axis, each scaled, joined
 * again. The fuser inlines them into one expression.
 */
export function weighBins(b: GraphBuilder, id: string, x: string, n: number, edge: number, inner: number): string {
  const shape = b.shapeOf(x);
  const axis = shape.length - 2;
  const bins = shape[axis] as number;
  const end = n % 2 === 0 ? bins - 1 : bins;
  const pieces = [
    { start: 0, size: 1, c: edge },
    ...(end > 1 ? [{ start: 1, size: end - 1, c: inner }] : []),
    ...(end < bins && bins > 1 ? [{ start: end, size: 1, c: edge }] : []),
  ];
  const parts = pieces.map(({ start, size, c }, k) => {
    const piece = size === bins ? x : b.add(`${id}.bins${k}`, 'slice', [x], shape.map((d, a) => (a === axis ? size : d)), { axis, start, size });
    return c === 1 ? piece : b.add(`${id}.w${k}`, 'scale', [piece], b.shapeOf(piece), { c });
  });
  return parts.length === 1 ? parts[0]! : b.add(id, 'concat', parts, shape, { axis });
}

/** The number of points a transform over the last `dims` axes of a real field of shape x sums over. */
export function points(x: Shape, dims: number): number {
  return elements(x.slice(x.length - dims), 1);
}

/**
 * FLOPs per output element of transforms as the GPU runs them: a complex
 * FFT of n points costs 5 n log2 n, and `passes` lists each pass's complex
 * points per sample and its line length.
 */
export function fftFlops(passes: readonly { points: number; n: number }[], out: Shape): number {
  return passes.reduce((a, p) => a + 5 * p.points * Math.log2(p.n), 0) / elements(out, 1);
}
