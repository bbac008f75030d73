// rfft and irfft as IR ops: numpy's layout (the last axis halved, then
// (re, im)), their shape rules, and irfft undoing rfft through the
// interpreter. The transforms themselves are checked against the DFT by
// definition in test/math/fft.test.ts.
import { describe, expect, it } from 'vitest';
import { opDef } from '../../src/ops/registry.js';
import { apply, expectTensor, random, relError, rng, tensor } from './helpers.js';

describe('rfft: numpy rfftn layout', () => {
  it('[1, 2, 3, 4] has bins 10, -2 + 2i, -2', () => {
    expectTensor(apply('rfft', { dims: 1 }, tensor([1, 1, 4], [1, 2, 3, 4])), [1, 1, 3, 2], [10, 0, -2, 2, -2, 0]);
  });

  it('over two axes: the first keeps every bin, the last n/2 + 1', () => {
    // u[i][j] = 1 on a 2 x 4 grid: all of it in bin (0, 0).
    expectTensor(apply('rfft', { dims: 2 }, tensor([1, 1, 2, 4], new Array(8).fill(1))), [1, 1, 2, 3, 2], [8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('shapes, the batch kept', () => {
    expect(opDef('rfft').shape([['B', 2, 8]], { dims: 1 })).toEqual(['B', 2, 5, 2]);
    expect(opDef('rfft').shape([['B', 1, 6, 4, 9]], { dims: 3 })).toEqual(['B', 1, 6, 4, 5, 2]);
    expect(opDef('irfft').shape([['B', 1, 6, 4, 5, 2]], { dims: 3, n: 9 })).toEqual(['B', 1, 6, 4, 9]);
    expect(opDef('irfft').shape([['B', 1, 6, 4, 5, 2]], { dims: 3, n: 8 })).toEqual(['B', 1, 6, 4, 8]);
  });

  it('says what is wrong with a shape or attribute', () => {
    expect(() => opDef('rfft').shape([[2, 8]], { dims: 4 })).toThrow(/transforms 1, 2 or 3 axes, not 4/);
    expect(() => opDef('rfft').shape([[8]], { dims: 1 })).toThrow(/needs a leading axis too/);
    expect(() => opDef('rfft').shape([[2, 'B']], { dims: 1 })).toThrow(/fixed size on axis 1/);
    expect(() => opDef('irfft').shape([[2, 5, 2]], { dims: 1, n: 10 })).toThrow(/irfft to 10 points takes a spectrum \[\.\., 6, 2\], got f32\[2,5,2\]/);
    expect(() => opDef('irfft').shape([[2, 5, 3]], { dims: 1, n: 8 })).toThrow(/takes a spectrum/);
  });
});

describe('irfft undoes rfft', () => {
  it.each([
    ['1-D, even', [2, 3, 8], 1],
    ['1-D, odd', [2, 1, 9], 1],
    ['2-D', [1, 2, 6, 4], 2],
    ['3-D, odd last axis', [1, 1, 4, 2, 5], 3],
  ] as const)('%s', (_, shape, dims) => {
    const x = random(shape, rng(dims));
    const back = apply('irfft', { dims, n: shape.at(-1)! }, apply('rfft', { dims }, x));
    expect(back.shape).toEqual(shape);
    expect(relError(back.data, x.data)).toBeLessThan(1e-14);
  });
});
