// Dense float64 tensors for the CPU interpreter, and the index arithmetic the
// ops share.
import type { Tensor } from './op.js';

export function size(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}

export function tensor(shape: readonly number[], data?: ArrayLike<number>): Tensor {
  const n = size(shape);
  if (data !== undefined && data.length !== n)
    throw new Error(`tensor [${shape.join(',')}] needs ${n} values, got ${data.length}`);
  return { shape: [...shape], data: data === undefined ? new Float64Array(n) : Float64Array.from(data) };
}

/**
 * For each entry of a tensor of `shape`, in row-major order, the flat index of
 * its image in the tensor with `axes` dropped. Reductions add along it and
 * broadcasts read along it, so the two stay each other's transpose.
 */
export function dropAxesIndex(shape: readonly number[], axes: readonly number[]): Int32Array {
  const stride = shape.map(() => 0);
  for (let d = shape.length - 1, s = 1; d >= 0; d--)
    if (!axes.includes(d)) {
      stride[d] = s;
      s *= shape[d]!;
    }
  const out = new Int32Array(size(shape));
  const idx = shape.map(() => 0);
  for (let i = 0, j = 0; i < out.length; i++) {
    out[i] = j;
    for (let d = shape.length - 1; d >= 0; d--) {
      j += stride[d]!;
      if (++idx[d]! < shape[d]!) break;
      j -= stride[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}
