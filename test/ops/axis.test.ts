import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/graph.js';
import { verify } from '../../src/ops/verify.js';
import { opDef } from '../../src/ops/registry.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { apply, expectTensor, tensor } from './helpers.js';

const u = tensor([2, 4], [1, 2, 3, 4, 10, 20, 30, 40]);

describe('shift: np.roll along the last axis', () => {
  it.each([
    // shift(u, 1)[i] = u[i-1]
    [1, [4, 1, 2, 3, 40, 10, 20, 30]],
    [-1, [2, 3, 4, 1, 20, 30, 40, 10]],
    [5, [4, 1, 2, 3, 40, 10, 20, 30]],
    [0, [1, 2, 3, 4, 10, 20, 30, 40]],
  ])('k = %i', (k, expected) => {
    expectTensor(apply('shift', { k }, u), [2, 4], expected);
  });

  it('needs a fixed last axis', () => {
    expect(() => opDef('shift').shape([[3, 'B']], { k: 1 })).toThrow(/shift needs a fixed size on axis 1/);
  });
});

describe('shift along another axis: np.roll(u, k, axis)', () => {
  // u[i][j] = 10 i + j on a 3 x 2 grid, batch 1.
  const grid = tensor([1, 3, 2], [0, 1, 10, 11, 20, 21]);
  it.each([
    [1, [20, 21, 0, 1, 10, 11]],
    [-1, [10, 11, 20, 21, 0, 1]],
  ])('k = %i on axis 1', (k, expected) => {
    expectTensor(apply('shift', { k, axis: 1 }, grid), [1, 3, 2], expected);
  });

  it('with zero padding, what would wrap around is 0', () => {
    expectTensor(apply('shift', { k: 1, axis: 1, padding: 'zero' }, grid), [1, 3, 2], [0, 0, 0, 1, 10, 11]);
    expectTensor(apply('shift', { k: -1, padding: 'zero' }, grid), [1, 3, 2], [1, 0, 11, 0, 21, 0]);
  });

  it('the last axis named is the last axis by default', () => {
    expectTensor(apply('shift', { k: 1, axis: 2 }, grid), [1, 3, 2], [1, 0, 11, 10, 21, 20]);
  });

  it('needs an axis of the rank, and fixed sizes from it on', () => {
    expect(() => opDef('shift').shape([['B', 3]], { k: 1, axis: 2 })).toThrow(/shift axis 2 is not an axis of rank 2/);
    expect(() => opDef('shift').shape([[3, 'B']], { k: 1, axis: 0 })).toThrow(/shift needs a fixed size on axis 1/);
  });
});

describe('circconv: out[i] = sum_j h[j] x[(i+j) mod N] per row', () => {
  it('a unit tap at j = 1 reads the right neighbour', () => {
    expectTensor(apply('circconv', { kernel: [0, 1, 0, 0] }, u), [2, 4], [2, 3, 4, 1, 20, 30, 40, 10]);
  });

  it('h = [1, 2, 0, 0]: x[i] + 2 x[i+1]', () => {
    // row 0: 1+4, 2+6, 3+8, 4+2.
    expectTensor(apply('circconv', { kernel: [1, 2, 0, 0] }, u), [2, 4], [5, 8, 11, 6, 50, 80, 110, 60]);
  });

  it('needs one tap per point', () => {
    expect(() => opDef('circconv').shape([['B', 1, 4]], { kernel: [1, 2] })).toThrow(/kernel has 2 taps for an axis of 4/);
  });
});

describe('reshape', () => {
  it('keeps the row-major entries', () => {
    expectTensor(apply('reshape', { shape: [4, 2] }, u), [4, 2], [1, 2, 3, 4, 10, 20, 30, 40]);
  });

  it('flattens [B, C, N] to [B, C*N] with -1 standing for B', () => {
    const b = new GraphBuilder('flatten');
    const x = b.add('x', 'input', [], ['B', 2, 3]);
    const shape = opDef('reshape').shape([['B', 2, 3]], { shape: [-1, 6] });
    expect(shape).toEqual(['B', 6]);
    const y = b.add('y', 'reshape', [x], shape, { shape: [-1, 6] });
    const out = evaluate(verify(b.build([y])), { x: tensor([2, 2, 3], [...Array(12).keys()]) }).get(y)!;
    expectTensor(out, [2, 6], [...Array(12).keys()]);
  });

  it('never moves or drops the batch axis', () => {
    const s = opDef('reshape').shape;
    expect(() => s([['B', 2, 3]], { shape: [6, -1] })).toThrow(/reshape cannot turn f32\[B,2,3\] into f32\[6,B\]/);
    expect(() => s([['B', 2, 3]], { shape: [2, 3] })).toThrow(/reshape cannot turn/);
    expect(() => s([['B', 2, 3]], { shape: [-1, 5] })).toThrow(/reshape cannot turn/);
  });
});

describe('slice and concat', () => {
  const m = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
  it('slice along axis 1 and axis 0', () => {
    expectTensor(apply('slice', { axis: 1, start: 1, size: 2 }, m), [2, 2], [2, 3, 5, 6]);
    expectTensor(apply('slice', { axis: 0, start: 1, size: 1 }, m), [1, 3], [4, 5, 6]);
  });

  it('slice stays inside its axis', () => {
    expect(() => opDef('slice').shape([['B', 3]], { axis: 1, start: 2, size: 2 })).toThrow(/slice 2..3 outside an axis of 3/);
    expect(() => opDef('slice').shape([['B', 3]], { axis: 0, start: 0, size: 1 })).toThrow(/fixed size on axis 0/);
  });

  it('concat along axis 1 and axis 0', () => {
    const a = tensor([2, 1], [1, 4]);
    const b = tensor([2, 2], [2, 3, 5, 6]);
    expectTensor(apply('concat', { axis: 1 }, a, b), [2, 3], [1, 2, 3, 4, 5, 6]);
    expectTensor(apply('concat', { axis: 0 }, m, tensor([1, 3], [7, 8, 9])), [3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('concat checks the other axes', () => {
    expect(() => opDef('concat').shape([['B', 1], [2, 2]], { axis: 1 })).toThrow(/concat inputs differ off axis 1/);
    expect(opDef('concat').shape([['B', 1], ['B', 2]], { axis: 1 })).toEqual(['B', 3]);
  });
});
