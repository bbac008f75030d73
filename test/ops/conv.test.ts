import { describe, expect, expectTypeOf, it } from 'vitest';
import type { OpAttrs, Padding } from '../../src/ir/op-attrs.js';
import type { Tensor } from '../../src/ops/op.js';
import { opDef } from '../../src/ops/registry.js';
import { apply, expectTensor, random, rng, tensor } from './helpers.js';

const u = tensor([1, 1, 4], [1, 2, 3, 4]);
const conv = (w: number[], padding: Padding, x: Tensor = u) => apply('conv', { padding }, x, tensor([1, 1, w.length], w));

describe('conv: SAME cross-correlation, left pad (K-1)//2', () => {
  it('K = 2 pads none left, one right: out[i] = w0 u[i] + w1 u[i+1]', () => {
    // w = [10, 1]: 10*1+2, 10*2+3, 10*3+4, then 10*4 + (u[0] = 1 circular | 0 zero).
    expectTensor(conv([10, 1], 'circular'), [1, 1, 4], [12, 23, 34, 41]);
    expectTensor(conv([10, 1], 'zero'), [1, 1, 4], [12, 23, 34, 40]);
  });

  it('K = 3 pads one each side: out[i] = u[i-1] + 10 u[i] + 100 u[i+1]', () => {
    // i=0: u[-1] (4 | 0) + 10 + 200;  i=3: 3 + 40 + u[4] (100*1 | 0).
    expectTensor(conv([1, 10, 100], 'circular'), [1, 1, 4], [214, 321, 432, 143]);
    expectTensor(conv([1, 10, 100], 'zero'), [1, 1, 4], [210, 321, 432, 43]);
  });

  it('K = 5 pads two each side, wrapping more than once around N = 4 when circular', () => {
    // out[i] = u[i-2] + 10 u[i-1] + 100 u[i] + 1000 u[i+1] + 10000 u[i+2]; digit d of
    // the result is the u entry under tap d (0 outside for zero padding).
    const w = [1, 10, 100, 1000, 10000];
    expectTensor(conv(w, 'circular'), [1, 1, 4], [32143, 43214, 14321, 21432]);
    expectTensor(conv(w, 'zero'), [1, 1, 4], [32100, 43210, 4321, 432]);
  });

  it('mixes channels per batch sample', () => {
    // K = 1, w[0] = [1, 2], w[1] = [-1, 0.5]: out0 = x0 + 2 x1, out1 = -x0 + x1/2.
    const x = tensor([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const out = apply('conv', { padding: 'zero' }, x, tensor([2, 2, 1], [1, 2, -1, 0.5]));
    // sample 0: x0 = [1,2], x1 = [3,4];  sample 1: x0 = [5,6], x1 = [7,8].
    expectTensor(out, [2, 2, 2], [7, 10, 0.5, 0, 19, 22, -1.5, -2]);
  });

  it('checks shapes and padding', () => {
    const s = opDef('conv').shape;
    expect(s([['B', 2, 30], [3, 2, 5]], { padding: 'zero' })).toEqual(['B', 3, 30]);
    expect(() => s([['B', 2, 30], [3, 1, 5]], { padding: 'zero' })).toThrow(/conv relates x \[B, I, N…\], w \[O, I, k…\] and y \[B, O, u·N\/s…\]: w is f32\[3,1,5\] where the others give f32\[3,2,5\]/);
    expectTypeOf<{ padding: 'same' }>().not.toExtend<OpAttrs['conv']>();
  });
});

describe('conv_t and conv_w: the transposes of conv', () => {
  it('conv_t, K = 2: out[j] = 10 y[j] + y[j-1]', () => {
    const w = tensor([1, 1, 2], [10, 1]);
    // j=0: 10 + y[-1] (4 circular | 0 zero).
    expectTensor(apply('conv_t', { padding: 'circular' }, u, w), [1, 1, 4], [14, 21, 32, 43]);
    expectTensor(apply('conv_t', { padding: 'zero' }, u, w), [1, 1, 4], [10, 21, 32, 43]);
  });

  it('conv_w, K = 2: out[k] = sum_i y[i] x[i+k]', () => {
    const x = tensor([1, 1, 4], [1, 0, 0, 0]);
    // k=0: y[0] x[0] = 1;  k=1: only i=3 reads x[4] (= x[0] = 1 circular | 0 zero): y[3] = 4.
    expectTensor(apply('conv_w', { padding: 'circular', k: 2 }, u, x), [1, 1, 2], [1, 4]);
    expectTensor(apply('conv_w', { padding: 'zero', k: 2 }, u, x), [1, 1, 2], [1, 0]);
  });

  const dot = (a: Tensor, b: Tensor) => a.data.reduce((s, v, i) => s + v * b.data[i]!, 0);
  it.each<[number, Padding]>([
    [1, 'zero'],
    [2, 'zero'],
    [2, 'circular'],
    [3, 'circular'],
    [4, 'zero'],
    [5, 'circular'],
    [7, 'circular'],
  ])('<conv(x,w), y> = <x, conv_t(y,w)> = <w, conv_w(y,x)> for K = %i, %s', (K, padding) => {
    const next = rng(K);
    const [x, w, y] = [random([2, 3, 5], next), random([4, 3, K], next), random([2, 4, 5], next)];
    const lhs = dot(apply('conv', { padding }, x, w), y);
    expect(dot(x, apply('conv_t', { padding }, y, w))).toBeCloseTo(lhs, 12);
    expect(dot(w, apply('conv_w', { padding, k: K }, y, x))).toBeCloseTo(lhs, 12);
  });
});
