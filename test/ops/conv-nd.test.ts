// The convolutions on one to three spatial axes, with dilation and stride,
// and the stride-2 resamplings, against their formulas written out directly
// (conv-reference.ts); the shape rules' complaints.
import { describe, expect, it } from 'vitest';
import type { Shape } from '../../src/ir/graph.js';
import type { ConvAttrs, Padding } from '../../src/ir/op-attrs.js';
import { opDef } from '../../src/ops/registry.js';
import type { ConvCase } from './conv-reference.js';
import { naiveConv, naiveConvT, naiveConvW, naiveSubsample, naiveZeroInsert } from './conv-reference.js';
import { apply, expectTensor, random, rng, tensor } from './helpers.js';

interface Row extends ConvCase {
  /** Spatial sizes of x. */
  N: number[];
  k: number;
}

const attrsOf = (r: Row): ConvAttrs => ({ padding: r.padding, dilation: r.dilation, stride: r.stride });

// Odd and even kernels, dilations 1 to 3, both strides and paddings, on 1, 2
// and 3 axes; small fields where a dilated kernel reaches past a whole
// period (N = 4, d = 3, k = 4: 6 cells right).
const rows: Row[] = (['circular', 'zero'] as Padding[]).flatMap((padding) => [
  ...[1, 2, 3].flatMap((k) => [1, 2].flatMap((stride) => [1, 2].map((dilation): Row => ({ padding, dilation, stride: stride as 1 | 2, N: [8], k })))),
  { padding, dilation: 3, stride: 1, N: [4], k: 4 },
  { padding, dilation: 3, stride: 2, N: [4], k: 5 },
  { padding, dilation: 1, stride: 1, N: [4, 6], k: 3 },
  { padding, dilation: 2, stride: 1, N: [6, 4], k: 2 },
  { padding, dilation: 1, stride: 2, N: [4, 6], k: 3 },
  { padding, dilation: 2, stride: 2, N: [8, 4], k: 4 },
  { padding, dilation: 1, stride: 1, N: [4, 2, 4], k: 3 },
  { padding, dilation: 2, stride: 2, N: [4, 4, 2], k: 3 },
  { padding, dilation: 1, stride: 2, N: [2, 4, 4], k: 2 },
]);

const name = (r: Row) => `${r.padding}, N [${r.N}], k ${r.k}, dilation ${r.dilation}, stride ${r.stride}`;

describe('conv, conv_t and conv_w equal the formula of networks.md §1', () => {
  it.each(rows.map((r) => [name(r), r] as const))('%s', (_, r) => {
    const next = rng(r.N.length * 100 + r.k * 10 + r.dilation);
    const [B, I, O] = [2, 3, 2];
    const M = r.N.map((n) => n / r.stride);
    const x = random([B, I, ...r.N], next);
    const w = random([O, I, ...r.N.map(() => r.k)], next);
    const y = random([B, O, ...M], next);
    const want = naiveConv(x, w, r);
    expectTensor(apply('conv', attrsOf(r), x, w), want.shape, [...want.data]);
    const wantX = naiveConvT(y, w, r);
    expectTensor(apply('conv_t', attrsOf(r), y, w), wantX.shape, [...wantX.data]);
    const wantW = naiveConvW(y, x, r.k, r);
    expectTensor(apply('conv_w', { ...attrsOf(r), k: r.k }, y, x), wantW.shape, [...wantW.data]);
  });

  it('up-samples in 1-D as networks.md §4 writes it: y[2r] = w1 x[r], y[2r+1] = w0 x[r] + w2 x[r+1]', () => {
    const x = tensor([1, 1, 3], [1, 2, 3]);
    const w = tensor([1, 1, 3], [1, 10, 100]);
    const up = apply('conv', { padding: 'circular' }, apply('zero_insert', {}, x), w);
    expectTensor(up, [1, 1, 6], [10, 201, 20, 302, 30, 103]);
  });
});

describe('zero_insert and subsample', () => {
  it.each([[[3]], [[2, 3]], [[2, 1, 3]]])('on spatial sizes %j', (N) => {
    const next = rng(N.length);
    const x = random([2, 2, ...N], next);
    const z = naiveZeroInsert(x);
    expectTensor(apply('zero_insert', {}, x), z.shape, [...z.data]);
    const fine = random([2, 2, ...N.map((n) => 2 * n)], next);
    const y = naiveSubsample(fine);
    expectTensor(apply('subsample', {}, fine), y.shape, [...y.data]);
    // Each undoes the other from the coarse side.
    expectTensor(apply('subsample', {}, apply('zero_insert', {}, x)), x.shape, [...x.data]);
  });
});

describe('shape rules', () => {
  const conv = (x: Shape, w: Shape, attrs: ConvAttrs = { padding: 'zero' }) => opDef('conv').shape([x, w], attrs);
  it('give the output of each op', () => {
    expect(conv(['B', 2, 8, 6], [3, 2, 3, 3], { padding: 'circular', stride: 2, dilation: 2 })).toEqual(['B', 3, 4, 3]);
    expect(opDef('conv_t').shape([['B', 3, 4, 3], [3, 2, 3, 3]], { padding: 'zero', stride: 2 })).toEqual(['B', 2, 8, 6]);
    expect(opDef('conv_w').shape([['B', 3, 4, 3], ['B', 2, 8, 6]], { padding: 'zero', stride: 2, k: 5 })).toEqual([3, 2, 5, 5]);
    expect(opDef('zero_insert').shape([['B', 2, 3, 1, 4]], {})).toEqual(['B', 2, 6, 2, 8]);
    expect(opDef('subsample').shape([['B', 2, 6, 2, 8]], {})).toEqual(['B', 2, 3, 1, 4]);
  });

  it('allow a kernel wider than the field, zero padded or circular', () => {
    expect(conv(['B', 1, 3, 3], [1, 1, 7, 7])).toEqual(['B', 1, 3, 3]);
    expect(conv(['B', 1, 4], [1, 1, 9], { padding: 'circular', dilation: 3 })).toEqual(['B', 1, 4]);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['no spatial axis', () => conv(['B', 2], [3, 2]), /conv needs x \[B, C, N_0, …\] with 1 to 3 spatial axes, got f32\[B,2\]/],
    ['four spatial axes', () => conv(['B', 1, 2, 2, 2, 2], [1, 1, 1, 1, 1, 1]), /with 1 to 3 spatial axes, got f32\[B,1,2,2,2,2\]/],
    ['a weight of another rank', () => conv(['B', 2, 8, 8], [3, 2, 3]), /conv needs a weight \[O, I, k, k\] \(one size k on every axis\) for 2 spatial axes, got f32\[3,2,3\]/],
    ['a non-square kernel', () => conv(['B', 2, 8, 8], [3, 2, 3, 5]), /one size k on every axis/],
    ['other input channels', () => conv(['B', 2, 8, 8], [3, 4, 3, 3]), /w is f32\[3,4,3,3\] where the others give f32\[3,2,3,3\]/],
    ['an odd size at stride 2', () => conv(['B', 2, 8, 7], [3, 2, 3, 3], { padding: 'circular', stride: 2 }), /conv needs even spatial sizes in x \(stride 2\), got \[8, 7\]/],
    ['stride 3', () => conv(['B', 2, 9], [3, 2, 3], { padding: 'zero', stride: 3 as 2 }), /conv needs a stride of 1 or 2, got 3/],
    ['dilation 0', () => conv(['B', 2, 8], [3, 2, 3], { padding: 'zero', dilation: 0 }), /conv needs a dilation of at least 1, got 0/],
    ['a fractional dilation', () => conv(['B', 2, 8], [3, 2, 3], { padding: 'zero', dilation: 1.5 }), /conv needs an integer attribute 'dilation', got 1.5/],
    ['a batch as a spatial size', () => conv([2, 2, 'B'], [3, 2, 3]), /conv needs a fixed size on axis 2/],
    ['conv_t with a y of other channels', () => opDef('conv_t').shape([['B', 4, 8], [3, 2, 3]], { padding: 'zero' }), /conv_t relates .*: w is f32\[3,2,3\] where the others give f32\[4,2,3\]/],
    ['conv_w with fields of other sizes', () => opDef('conv_w').shape([['B', 3, 8], ['B', 2, 8]], { padding: 'zero', stride: 2, k: 3 }), /conv_w relates .*: y is f32\[B,3,8\] where the others give f32\[B,3,4\]/],
    ['conv_w with k 0', () => opDef('conv_w').shape([['B', 3, 8], ['B', 2, 8]], { padding: 'zero', k: 0 }), /conv_w needs a kernel size of at least 1, got 0/],
    ['subsample of an odd size', () => opDef('subsample').shape([['B', 1, 4, 5]], {}), /subsample needs even spatial sizes in x, got \[4, 5\]/],
  ])('reject %s', (_, f, message) => {
    expect(f).toThrow(message);
  });
});
