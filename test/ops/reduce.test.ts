import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/graph.js';
import { verify } from '../../src/ops/verify.js';
import { opDef } from '../../src/ops/registry.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { apply, expectTensor, tensor } from './helpers.js';

const m = tensor([2, 3], [1, 2, 3, 4, 5, 6]);

describe('sum and mean', () => {
  it('sum over all entries by default', () => {
    expectTensor(apply('sum', {}, m), [], [21]);
  });

  it('sum over listed axes', () => {
    expectTensor(apply('sum', { axes: [1] }, m), [2], [6, 15]);
    expectTensor(apply('sum', { axes: [0] }, m), [3], [5, 7, 9]);
  });

  it('mean divides by the number of entries reduced', () => {
    expectTensor(apply('mean', {}, m), [], [3.5]);
    expectTensor(apply('mean', { axes: [1] }, m), [2], [2, 5]);
  });

  it('axes must ascend within the rank', () => {
    expect(() => opDef('sum').shape([['B', 3]], { axes: [1, 0] })).toThrow(/sum axes \[1,0\] must ascend within rank 2/);
    expect(() => opDef('sum').shape([['B', 3]], { axes: [2] })).toThrow(/must ascend within rank 2/);
  });
});

describe('broadcast', () => {
  it('copies a scalar to every entry, or spreads it (mean: true)', () => {
    expectTensor(apply('broadcast', { shape: [2, 3] }, tensor([], [2])), [2, 3], [2, 2, 2, 2, 2, 2]);
    expectTensor(apply('broadcast', { shape: [2, 3], mean: true }, tensor([], [3])), [2, 3], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('copies along the listed axes', () => {
    expectTensor(apply('broadcast', { shape: [2, 3], axes: [1] }, tensor([2], [1, 2])), [2, 3], [1, 1, 1, 2, 2, 2]);
    expectTensor(apply('broadcast', { shape: [2, 3], axes: [0] }, tensor([3], [1, 2, 3])), [2, 3], [1, 2, 3, 1, 2, 3]);
  });

  it('learns B from the node shape when it runs', () => {
    // The scalar 6 spread over B = 3 samples: 6 / 3 each.
    const b = new GraphBuilder('spread');
    const c = b.add('c', 'input', [], []);
    b.add('x', 'input', [], ['B', 2]);
    const y = b.add('y', 'broadcast', [c], ['B'], { shape: [-1], mean: true });
    const v = evaluate(verify(b.build([y])), { c: tensor([], [6]), x: tensor([3, 2]) }).get(y)!;
    expectTensor(v, [3], [2, 2, 2]);
  });

  it('needs an input shaped like its output without the axes', () => {
    expect(() => opDef('broadcast').shape([[3]], { shape: [-1, 3], axes: [1] })).toThrow(
      /broadcast to f32\[B,3\] needs an input f32\[B\], got f32\[3\]/,
    );
  });
});

describe('const', () => {
  it('fills the shape its node declares, B included', () => {
    const b = new GraphBuilder('const');
    b.add('x', 'input', [], ['B']);
    const z = b.add('z', 'const', [], ['B', 2], { value: 0.25 });
    const v = evaluate(verify(b.build([z])), { x: tensor([2]) }).get(z)!;
    expectTensor(v, [2, 2], [0.25, 0.25, 0.25, 0.25]);
  });
});
