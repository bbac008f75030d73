import { describe, expect, it } from 'vitest';
import { opDef } from '../../src/ops/registry.js';
import { apply, expectTensor, tensor } from './helpers.js';

describe('dense family', () => {
  const x = tensor([2, 2], [1, 2, 3, 4]);
  const w = tensor([3, 2], [1, 0, 0, 1, 1, -1]);

  it('dense: out[b,o] = sum_i w[o,i] x[b,i]', () => {
    // rows of w pick x0, x1, x0 - x1.
    expectTensor(apply('dense', {}, x, w), [2, 3], [1, 2, -1, 3, 4, -1]);
  });

  it('dense_t: out[b,i] = sum_o w[o,i] y[b,o]', () => {
    // y = [1, 2, 3]: i=0: 1*1 + 0*2 + 1*3 = 4;  i=1: 0*1 + 1*2 - 1*3 = -1.
    expectTensor(apply('dense_t', {}, tensor([1, 3], [1, 2, 3]), w), [1, 2], [4, -1]);
  });

  it('dense_w: out[o,i] = sum_b y[b,o] x[b,i]', () => {
    // y selects sample 0 for o=0 and sample 1 for o=1; nothing for o=2.
    const y = tensor([2, 3], [1, 0, 0, 0, 1, 0]);
    expectTensor(apply('dense_w', {}, y, x), [3, 2], [1, 2, 3, 4, 0, 0]);
  });

  it('checks shapes', () => {
    expect(opDef('dense').shape([['B', 4], [3, 4]], {})).toEqual(['B', 3]);
    expect(() => opDef('dense').shape([['B', 4], [4, 3]], {})).toThrow(/dense needs x \[B,in\] and w \[out,in\]/);
  });
});

describe('bias_add', () => {
  it('adds bias[c] over batch and space', () => {
    const x = tensor([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    // channel 0 gets +10, channel 1 gets +100, in both samples.
    expectTensor(apply('bias_add', {}, x, tensor([2], [10, 100])), [2, 2, 2], [11, 12, 103, 104, 15, 16, 107, 108]);
  });

  it('works on a dense layer output [B, C]', () => {
    expectTensor(apply('bias_add', {}, tensor([1, 2], [1, 2]), tensor([2], [10, 100])), [1, 2], [11, 102]);
  });

  it('checks shapes', () => {
    expect(() => opDef('bias_add').shape([['B', 2, 8], [3]], {})).toThrow(/bias_add needs x \[B,C,...\] and bias \[C\]/);
  });
});
