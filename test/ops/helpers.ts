// Shared by the op tests: run one op through a verified graph and the
// interpreter, compare values, draw reproducible random tensors.
import { expect } from 'vitest';
import type { Attrs, Graph, Shape } from '../../src/ir/graph.js';
import type { OpName } from '../../src/ir/op-attrs.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import { verify } from '../../src/ops/verify.js';
import type { Tensor } from '../../src/ops/op.js';
import { opDef } from '../../src/ops/registry.js';
import { tensor } from '../../src/ops/tensor.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { differentiate } from '../../src/passes/autodiff.js';
import { Rng } from '../../src/data/rng.js';

export { tensor };

/** `op` applied to fed inputs of the tensors' shapes; the output's value. */
export function apply(op: OpName, attrs: Attrs, ...xs: Tensor[]): Tensor {
  const b = new GraphBuilder(op);
  const ids = xs.map((x, k) => b.add(`x${k}`, 'input', [], x.shape));
  const shape = opDef(op).shape(ids.map((i) => b.shapeOf(i)), attrs);
  const out = b.add('out', op, ids, shape, attrs);
  const g = verify(b.build([out]));
  return evaluate(g, Object.fromEntries(xs.map((x, k) => [ids[k]!, x])) as Record<string, Tensor>).get(out)!;
}

export function expectTensor(t: Tensor, shape: readonly number[], values: readonly number[], tol = 1e-12): void {
  expect(t.shape).toEqual(shape);
  expect(t.data.length).toBe(values.length);
  t.data.forEach((v, i) => {
    if (Math.abs(v - values[i]!) > tol) expect.fail(`entry ${i}: ${v}, expected ${values[i]}`);
  });
}

/** Seeded uniform numbers in [0, 1) from the project's generator, so every run sees the same values. */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.float();
}

/** Draws one entry from a uniform random number in [0, 1). */
export type Gen = (u: number) => number;
export const uniform: Gen = (u) => 2 * u - 1;
/** |v| in [lo, hi), either sign: keeps values off kinks and poles. */
export const away =
  (lo: number, hi: number): Gen =>
  (u) => {
    const v = 2 * u - 1;
    return Math.sign(v || 1) * (lo + (hi - lo) * Math.abs(v));
  };

export function random(shape: readonly number[], next: () => number, gen: Gen = uniform): Tensor {
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = gen(next());
  return t;
}

export function bind(shape: Shape, batch: number): number[] {
  return shape.map((d) => (d === 'B' ? batch : d));
}

/** d out / d x by central differences (h = 1e-5), `out` a scalar of `g`. */
export function centralDifference(g: Graph, out: string, feeds: Map<string, Tensor>, x: string): Float64Array {
  const h = 1e-5;
  const v = feeds.get(x)!.data;
  const grad = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const keep = v[i]!;
    v[i] = keep + h;
    const up = evaluate(g, feeds).get(out)!.data[0]!;
    v[i] = keep - h;
    const down = evaluate(g, feeds).get(out)!.data[0]!;
    v[i] = keep;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

/** Largest entry difference over the largest entry of either. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let [diff, scale] = [0, 1e-12];
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!), Math.abs(b[i]!));
  }
  return diff / scale;
}

/** Gradients of a graph's `loss` in each of `wrt` (by autodiff) against central differences, on seeded random feeds, to 1e-6. */
export function expectFiniteDifferences(g: Graph, wrt: readonly string[], seed: number): void {
  const dg = verify(differentiate(g, 'loss', wrt));
  const next = rng(seed);
  const feeds = new Map<string, Tensor>(g.nodes.filter((n) => n.op === 'input').map((n) => [n.id, random(n.shape as number[], next)]));
  const values = evaluate(dg, feeds);
  wrt.forEach((id, i) => {
    const grad = values.get(dg.outputs[i + 1]!)!;
    expect(relError(grad.data, centralDifference(g, 'loss', feeds, id)), `d/d${id}`).toBeLessThan(1e-6);
  });
}
