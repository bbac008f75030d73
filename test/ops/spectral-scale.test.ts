// spectral_scale multiplies each complex value (re, im) of a spectrum by its
// bin's factor, the same table for every leading index.
import { describe, expect, it } from 'vitest';
import { opDef } from '../../src/ops/registry.js';
import { apply, expectTensor, tensor } from './helpers.js';

describe('spectral_scale', () => {
  it('is a complex product per bin, repeated over the leading axes', () => {
    // Two rows of two bins: factors i and 2 - i.
    const x = tensor([2, 2, 2], [1, 2, 3, 4, -1, 0, 0, 1]);
    const y = apply('spectral_scale', { dims: 1, coef: [0, 1, 2, -1] }, x);
    // i (1 + 2i) = -2 + i; (2 - i)(3 + 4i) = 10 + 5i; i (-1) = -i; (2 - i) i = 1 + 2i.
    expectTensor(y, [2, 2, 2], [-2, 1, 10, 5, 0, -1, 1, 2]);
  });

  it('tables the last `dims` complex axes', () => {
    const shape = opDef('spectral_scale').shape([['B', 1, 3, 2, 2]], { dims: 2, coef: Array<number>(12).fill(1) });
    expect(shape).toEqual(['B', 1, 3, 2, 2]);
  });

  it('rejects a table of another size, or a value without (re, im)', () => {
    expect(() => opDef('spectral_scale').shape([['B', 1, 4, 2]], { dims: 1, coef: [1, 0] })).toThrow(/1 factors for 4 bins/);
    expect(() => opDef('spectral_scale').shape([['B', 1, 4]], { dims: 1, coef: [1, 0, 1, 0] })).toThrow(/takes a spectrum/);
    expect(() => opDef('spectral_scale').shape([['B', 2, 2]], { dims: 1, coef: [NaN, 0, 1, 0] })).toThrow();
  });
});
