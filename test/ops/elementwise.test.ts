import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Attrs } from '../../src/ir/graph.js';
import type { OpAttrs, OpName } from '../../src/ir/op-attrs.js';
import { opDef } from '../../src/ops/registry.js';
import { apply, expectTensor, tensor } from './helpers.js';

const x = tensor([4], [-2, -0.5, 0, 1.5]);

describe('unary elementwise ops', () => {
  it.each<[OpName, Attrs, number[]]>([
    ['neg', {}, [2, 0.5, 0, -1.5]],
    ['scale', { c: 3 }, [-6, -1.5, 0, 4.5]],
    ['square', {}, [4, 0.25, 0, 2.25]],
    ['abs', {}, [2, 0.5, 0, 1.5]],
    // sign(0) = 0, the subgradient mae uses.
    ['sign', {}, [-1, -1, 0, 1]],
    ['relu', {}, [0, 0, 0, 1.5]],
    // tanh(2) = 0.96402758007581690, tanh(0.5) = 0.46211715726000974, tanh(1.5) = 0.90514825364486640 (tables).
    ['tanh', {}, [-0.9640275800758169, -0.46211715726000974, 0, 0.9051482536448664]],
    // 1/(1+e^2) = 0.11920292202211755, 1/(1+e^0.5) = 0.37754066879814541, 1/(1+e^-1.5) = 0.81757447619364365.
    ['sigmoid', {}, [0.11920292202211755, 0.3775406687981454, 0.5, 0.8175744761936437]],
    // jax.nn.gelu(approximate=True): gelu(-2) = -0.04540230591222494, gelu(1.5) = 1.3995715769802328.
    ['gelu', {}, [-0.04540230591222494, -0.15428599017485606, 0, 1.3995715769802328]],
  ])('%s', (op, attrs, expected) => {
    expectTensor(apply(op, attrs, x), [4], expected);
  });

  it('sqrt, on the squares of the inputs', () => {
    expectTensor(apply('sqrt', {}, tensor([4], [4, 0.25, 0, 2.25])), [4], [2, 0.5, 0, 1.5]);
  });

  // XLA's elementwise ops take NaN to NaN (relu is max(x, 0), NaN there), so
  // a diverged rollout stays diverged rather than "recovering" to zeros.
  it.each<[OpName, Attrs]>([
    ['neg', {}], ['scale', { c: 3 }], ['square', {}], ['abs', {}], ['sign', {}], ['relu', {}],
    ['tanh', {}], ['sigmoid', {}], ['gelu', {}], ['sqrt', {}],
  ])('%s keeps NaN', (op, attrs) => {
    expect(Number.isNaN(apply(op, attrs, tensor([1], [NaN])).data[0])).toBe(true);
  });

  it('relu of ±infinity is infinity and 0, as max(x, 0)', () => {
    expectTensor(apply('relu', {}, tensor([2], [Infinity, -Infinity])), [2], [Infinity, 0]);
  });

  it('sign of -0 is +0, as WGSL prints it', () => {
    expect(Object.is(apply('sign', {}, tensor([1], [-0])).data[0], 0)).toBe(true);
  });

  it('scale needs a finite c (a number: the type says so)', () => {
    expectTypeOf<{}>().not.toExtend<OpAttrs['scale']>();
    expect(() => opDef('scale').shape([[2]], { c: Infinity })).toThrow(/scale needs a finite attribute 'c', got Infinity/);
  });
});

describe('binary elementwise ops', () => {
  const a = tensor([2, 2], [1, 2, 3, 4]);
  const b = tensor([2, 2], [0.5, -1, 2, 8]);
  it.each<[OpName, number[]]>([
    ['add', [1.5, 1, 5, 12]],
    ['sub', [0.5, 3, 1, -4]],
    ['mul', [0.5, -2, 6, 32]],
    ['div', [2, -2, 1.5, 0.5]],
  ])('%s', (op, expected) => {
    expectTensor(apply(op, {}, a, b), [2, 2], expected);
  });

  it('takes operands of one shape only: scalars meet tensors through broadcast', () => {
    expect(() => opDef('mul').shape([['B', 3], []], {})).toThrow(/mul operands differ: f32\[B,3\] vs f32\[\] \(broadcast explicitly\)/);
  });
});
