// The convolution of networks.md §1 written out directly, independent of the
// ops' code (no tap tables, no shared helpers): every term
//   y[b,o,n] += w[o,i,t] · x̃[b,i, s·n + d·(t − ℓ)],   ℓ = (k−1)//2,
// visited once, x̃ periodic or zero outside the grid. The forward gathers the
// terms, and the transposes scatter the same terms, as the adjoints'
// definitions say. Also zero insertion and subsampling by their formulas.
import type { Padding } from '../../src/ir/op-attrs.js';
import type { Tensor } from '../../src/ops/op.js';

export interface ConvCase {
  padding: Padding;
  dilation: number;
  stride: 1 | 2;
}

/** Every multi-index of a box of `sizes`, row-major. */
function* box(sizes: readonly number[]): Generator<number[]> {
  const total = sizes.reduce((a, n) => a * n, 1);
  for (let f = 0; f < total; f++) {
    const at: number[] = [];
    let r = f;
    for (let j = sizes.length - 1; j >= 0; j--) {
      at.unshift(r % sizes[j]!);
      r = Math.floor(r / sizes[j]!);
    }
    yield at;
  }
}

function flat(sizes: readonly number[], at: readonly number[]): number {
  return at.reduce((a, v, j) => a * sizes[j]! + v, 0);
}

/**
 * Calls term(xi, wi, yi) with the flat indices of x, w and y of every term
 * whose x̃ is not a zero pad. x [B, I, N…], w [O, I, k…].
 */
function eachTerm(xShape: readonly number[], wShape: readonly number[], c: ConvCase, term: (xi: number, wi: number, yi: number) => void): void {
  const [B, I, ...N] = xShape as [number, number, ...number[]];
  const [O, , k] = wShape as [number, number, number];
  const M = N.map((n) => n / c.stride);
  const l = Math.floor((k - 1) / 2);
  for (const [b, o, ...n] of box([B, O, ...M]))
    for (const [i, ...t] of box([I, ...N.map(() => k)])) {
      const pos = n.map((nj, j) => c.stride * nj + c.dilation * (t[j]! - l));
      const inside = pos.every((p, j) => p >= 0 && p < N[j]!);
      if (c.padding === 'zero' && !inside) continue;
      const wrapped = pos.map((p, j) => ((p % N[j]!) + N[j]!) % N[j]!);
      term(flat([B, I, ...N], [b!, i!, ...wrapped]), flat(wShape, [o!, i!, ...t]), flat([B, O, ...M], [b!, o!, ...n]));
    }
}

function zeros(shape: readonly number[]): Tensor {
  return { shape: [...shape], data: new Float64Array(shape.reduce((a, n) => a * n, 1)) };
}

export function naiveConv(x: Tensor, w: Tensor, c: ConvCase): Tensor {
  const y = zeros([x.shape[0]!, w.shape[0]!, ...x.shape.slice(2).map((n) => n / c.stride)]);
  eachTerm(x.shape, w.shape, c, (xi, wi, yi) => (y.data[yi]! += w.data[wi]! * x.data[xi]!));
  return y;
}

/** The transpose in x: y [B, O, M…] -> [B, I, N…]. */
export function naiveConvT(y: Tensor, w: Tensor, c: ConvCase): Tensor {
  const x = zeros([y.shape[0]!, w.shape[1]!, ...y.shape.slice(2).map((m) => m * c.stride)]);
  eachTerm(x.shape, w.shape, c, (xi, wi, yi) => (x.data[xi]! += w.data[wi]! * y.data[yi]!));
  return x;
}

/** The transpose in w: -> [O, I, k…]. */
export function naiveConvW(y: Tensor, x: Tensor, k: number, c: ConvCase): Tensor {
  const w = zeros([y.shape[1]!, x.shape[1]!, ...x.shape.slice(2).map(() => k)]);
  eachTerm(x.shape, w.shape, c, (xi, wi, yi) => (w.data[wi]! += y.data[yi]! * x.data[xi]!));
  return w;
}

/** z[b,c,m] = x[b,c,m/2] where every m_j is even, else 0. */
export function naiveZeroInsert(x: Tensor): Tensor {
  const [B, C, ...N] = x.shape as [number, number, ...number[]];
  const z = zeros([B, C, ...N.map((n) => 2 * n)]);
  for (const [b, ch, ...m] of box(z.shape))
    if (m.every((v) => v % 2 === 0)) z.data[flat(z.shape, [b!, ch!, ...m])] = x.data[flat(x.shape, [b!, ch!, ...m.map((v) => v / 2)])]!;
  return z;
}

/** y[b,c,n] = x[b,c,2n]. */
export function naiveSubsample(x: Tensor): Tensor {
  const [B, C, ...N] = x.shape as [number, number, ...number[]];
  const y = zeros([B, C, ...N.map((n) => n / 2)]);
  for (const [b, ch, ...n] of box(y.shape)) y.data[flat(y.shape, [b!, ch!, ...n])] = x.data[flat(x.shape, [b!, ch!, ...n.map((v) => 2 * v)])]!;
  return y;
}
