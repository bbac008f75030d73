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

/** out[m, n] = sum over k of a(m, k) b(n, k), k ascending: every dense op's product, its operands read through index functions. */
export function product(M: number, N: number, K: number, a: (m: number, k: number) => number, b: (n: number, k: number) => number): Tensor {
  const out = tensor([M, N]);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += a(m, k) * b(n, k);
      out.data[m * N + n] = acc;
    }
  return out;
}
