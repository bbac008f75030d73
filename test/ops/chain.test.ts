import { describe, expect, expectTypeOf, it } from 'vitest';
import type { LossKind, OpAttrs } from '../../src/ir/op-attrs.js';
import { opDef } from '../../src/ops/registry.js';
import { apply, expectTensor, tensor } from './helpers.js';

describe('loss', () => {
  // B = 2 samples of n = 2 entries; a - b = [[0, 2], [2, 4]].
  const a = tensor([2, 2], [1, 2, 3, 5]);
  const b = tensor([2, 2], [1, 0, 1, 1]);
  it.each<[LossKind, number]>([
    // per sample (0 + 4)/2 = 2 and (4 + 16)/2 = 10; batch mean 6.
    ['mse', 6],
    // (0 + 2)/2 = 1 and (2 + 4)/2 = 3; mean 2.
    ['mae', 2],
    // divided per sample by mse(b, 0) = 1/2 and 1: 4 and 10; mean 7.
    ['nmse', 7],
    // divided per sample by mae(b, 0) = 1/2 and 1: 2 and 3; mean 2.5.
    ['nmae', 2.5],
  ])('%s(a, b)', (kind, expected) => {
    expectTensor(apply('loss', { kind }, a, b), [], [expected]);
  });

  it.each<[LossKind, number]>([
    // (1 + 4)/2 = 2.5 and (9 + 25)/2 = 17; mean 9.75.
    ['mse', 9.75],
    // 1.5 and 4; mean 2.75.
    ['mae', 2.75],
  ])('%s of a residual', (kind, expected) => {
    expectTensor(apply('loss', { kind }, a), [], [expected]);
  });

  it('reduces all channel and space entries of a sample', () => {
    // [B=1, C=2, N=2]: mean of (1,4,9,16) = 7.5.
    expectTensor(apply('loss', { kind: 'mse' }, tensor([1, 2, 2], [1, 2, 3, 4])), [], [7.5]);
  });

  it('checks kinds and operands', () => {
    const s = opDef('loss').shape;
    expect(() => s([['B', 3]], { kind: 'nmse' })).toThrow(/nmse needs a target/);
    expectTypeOf<{ kind: 'huber' }>().not.toExtend<OpAttrs['loss']>();
    expect(() => s([[]], { kind: 'mse' })).toThrow(/loss needs a batch axis/);
  });
});

describe('weighted_sum and stop_gradient', () => {
  it('weighted_sum: 0.5 [1, 2] - [10, 20]', () => {
    const out = apply('weighted_sum', { weights: [0.5, -1] }, tensor([2], [1, 2]), tensor([2], [10, 20]));
    expectTensor(out, [2], [-9.5, -19]);
  });

  it('stop_gradient is the identity forward', () => {
    expectTensor(apply('stop_gradient', {}, tensor([2], [3, -4])), [2], [3, -4]);
  });
});
