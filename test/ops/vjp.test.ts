// Every op's VJP against central finite differences in float64. The probe
// graph is inputs -> op -> sum(op * r) for a fixed random cotangent r, so the
// gradient of the probe is exactly the VJP of r. Adding an op: one row.
import { describe, expect, it } from 'vitest';
import type { Attrs, Graph, Shape } from '../../src/ir/graph.js';
import type { OpName, Padding } from '../../src/ir/op-attrs.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import { verify } from '../../src/ops/verify.js';
import type { Tensor } from '../../src/ops/op.js';
import { opDef, ops } from '../../src/ops/registry.js';
import { differentiate } from '../../src/passes/autodiff.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import type { Gen } from './helpers.js';
import { away, bind, centralDifference, random, relError, rng, uniform } from './helpers.js';

interface Row {
  op: OpName;
  inputs: Shape[];
  attrs?: Attrs;
  /** How each input's entries are drawn (default uniform in [-1, 1]). */
  gens?: Gen[];
}

const X: Shape = ['B', 2, 3];
const off0 = away(0.1, 1);
const conv = (K: number, padding: Padding): Row => ({ op: 'conv', inputs: [['B', 2, 6], [3, 2, K]], attrs: { padding } });

const rows: Row[] = [
  { op: 'add', inputs: [X, X] },
  { op: 'sub', inputs: [X, X] },
  { op: 'mul', inputs: [X, X] },
  { op: 'div', inputs: [X, X], gens: [uniform, away(0.5, 1.5)] },
  { op: 'neg', inputs: [X] },
  { op: 'scale', inputs: [X], attrs: { c: -1.7 } },
  { op: 'square', inputs: [X] },
  { op: 'abs', inputs: [X], gens: [off0] },
  { op: 'sign', inputs: [X], gens: [off0] },
  { op: 'relu', inputs: [X], gens: [off0] },
  { op: 'tanh', inputs: [X], gens: [away(0, 2)] },
  { op: 'gelu', inputs: [X], gens: [away(0, 3)] },
  { op: 'sigmoid', inputs: [X], gens: [away(0, 3)] },
  { op: 'sqrt', inputs: [X], gens: [(u) => 0.5 + 1.5 * u] },
  conv(1, 'zero'),
  conv(2, 'circular'),
  conv(2, 'zero'),
  conv(3, 'circular'),
  conv(5, 'zero'),
  conv(5, 'circular'),
  { op: 'conv', inputs: [['B', 2, 4, 6], [3, 2, 3, 3]], attrs: { padding: 'circular', dilation: 2, stride: 2 } },
  { op: 'conv', inputs: [['B', 2, 2, 4, 2], [3, 2, 2, 2, 2]], attrs: { padding: 'zero', stride: 2 } },
  { op: 'conv_t', inputs: [['B', 3, 6], [3, 2, 2]], attrs: { padding: 'circular' } },
  { op: 'conv_t', inputs: [['B', 3, 6], [3, 2, 3]], attrs: { padding: 'zero' } },
  { op: 'conv_t', inputs: [['B', 3, 2, 3], [3, 2, 3, 3]], attrs: { padding: 'zero', dilation: 2, stride: 2 } },
  { op: 'conv_w', inputs: [['B', 3, 6], ['B', 2, 6]], attrs: { padding: 'zero', k: 2 } },
  { op: 'conv_w', inputs: [['B', 3, 6], ['B', 2, 6]], attrs: { padding: 'circular', k: 5 } },
  { op: 'conv_w', inputs: [['B', 3, 2, 3], ['B', 2, 4, 6]], attrs: { padding: 'circular', dilation: 3, stride: 2, k: 2 } },
  { op: 'dense', inputs: [['B', 4], [3, 4]] },
  { op: 'dense_t', inputs: [['B', 3], [3, 4]] },
  { op: 'dense_w', inputs: [['B', 3], ['B', 4]] },
  { op: 'bias_add', inputs: [['B', 3, 4], [3]] },
  { op: 'bias_add', inputs: [['B', 3], [3]] },
  { op: 'shift', inputs: [X], attrs: { k: 1 } },
  { op: 'shift', inputs: [X], attrs: { k: -2 } },
  { op: 'shift', inputs: [['B', 2, 3, 4]], attrs: { k: 1, axis: 2 } },
  { op: 'shift', inputs: [['B', 2, 3, 4]], attrs: { k: -1, axis: 1 } },
  { op: 'shift', inputs: [['B', 2, 3, 4]], attrs: { k: 1, axis: 2, padding: 'zero' } },
  { op: 'shift', inputs: [X], attrs: { k: -2, padding: 'zero' } },
  { op: 'circconv', inputs: [['B', 2, 5]], attrs: { kernel: [0.3, -1, 0.5, 2, -0.7] } },
  { op: 'reshape', inputs: [X], attrs: { shape: [-1, 6] } },
  { op: 'reshape', inputs: [['B', 6]], attrs: { shape: [-1, 3, 1, 2] } },
  { op: 'slice', inputs: [['B', 3]], attrs: { axis: 1, start: 1, size: 1 } },
  { op: 'slice', inputs: [['B', 3]], attrs: { axis: 1, start: 0, size: 2 } },
  { op: 'slice', inputs: [X], attrs: { axis: 2, start: 0, size: 3 } },
  { op: 'concat', inputs: [['B', 1], ['B', 2], ['B', 1]], attrs: { axis: 1 } },
  { op: 'concat', inputs: [[2, 3], [1, 3]], attrs: { axis: 0 } },
  { op: 'zero_insert', inputs: [['B', 2, 3, 2]] },
  { op: 'subsample', inputs: [['B', 2, 4, 2, 6]] },
  { op: 'rfft', inputs: [['B', 2, 6]], attrs: { dims: 1 } },
  { op: 'rfft', inputs: [['B', 1, 4, 3, 5]], attrs: { dims: 3 } },
  { op: 'irfft', inputs: [['B', 2, 4, 2]], attrs: { dims: 1, n: 6 } },
  { op: 'irfft', inputs: [['B', 1, 4, 3, 3, 2]], attrs: { dims: 3, n: 5 } },
  { op: 'spectral_mix', inputs: [['B', 2, 5, 2], [1, 3, 2, 3, 2]] },
  { op: 'spectral_mix', inputs: [['B', 2, 6, 4, 2], [2, 3, 2, 2, 2, 2]] },
  { op: 'spectral_mix', inputs: [['B', 1, 4, 4, 3, 2], [4, 2, 1, 2, 2, 2, 2]] },
  { op: 'spectral_mix_t', inputs: [['B', 3, 5, 2], [1, 3, 2, 3, 2]] },
  { op: 'spectral_mix_t', inputs: [['B', 3, 6, 4, 2], [2, 3, 2, 2, 2, 2]] },
  { op: 'spectral_mix_t', inputs: [['B', 2, 4, 4, 3, 2], [4, 2, 1, 2, 2, 2, 2]] },
  { op: 'spectral_mix_w', inputs: [['B', 3, 5, 2], ['B', 2, 5, 2]], attrs: { modes: 3 } },
  { op: 'spectral_mix_w', inputs: [['B', 3, 6, 4, 2], ['B', 2, 6, 4, 2]], attrs: { modes: 2 } },
  { op: 'spectral_mix_w', inputs: [['B', 2, 4, 4, 3, 2], ['B', 1, 4, 4, 3, 2]], attrs: { modes: 1 } },
  { op: 'spectral_scale', inputs: [['B', 2, 4, 2]], attrs: { dims: 1, coef: [0.5, 0, -1.2, 0.7, 0, 2, 0.3, -0.4] } },
  { op: 'spectral_scale', inputs: [['B', 1, 3, 2, 2]], attrs: { dims: 2, coef: [1, 0, 0.2, -0.9, -0.6, 0.1, 1.5, 0.5, 0, -1, 0.7, 0.7] } },
  { op: 'sum', inputs: [X] },
  { op: 'sum', inputs: [X], attrs: { axes: [0, 2] } },
  { op: 'mean', inputs: [X], attrs: { axes: [1, 2] } },
  { op: 'mean', inputs: [X] },
  { op: 'broadcast', inputs: [[]], attrs: { shape: [-1, 2, 3] } },
  { op: 'broadcast', inputs: [['B']], attrs: { shape: [-1, 2, 3], axes: [1, 2], mean: true } },
  { op: 'broadcast', inputs: [[3]], attrs: { shape: [-1, 2, 3], axes: [0, 1], mean: true } },
  { op: 'loss', inputs: [X, X], attrs: { kind: 'mse' } },
  { op: 'loss', inputs: [X, X], attrs: { kind: 'mae' }, gens: [away(1, 2), away(0.1, 0.4)] },
  { op: 'loss', inputs: [X, X], attrs: { kind: 'nmse' } },
  { op: 'loss', inputs: [X, X], attrs: { kind: 'nmae' }, gens: [away(1, 2), away(0.1, 0.4)] },
  { op: 'loss', inputs: [X], attrs: { kind: 'mse' } },
  { op: 'loss', inputs: [X], attrs: { kind: 'mae' }, gens: [off0] },
  { op: 'weighted_sum', inputs: [X, X, X, X], attrs: { weights: [0.5, 0, 1, -2] } },
];

const BATCH = 2;

/** inputs x0.. -> op -> s = sum(op * r). */
function probe(row: Row): { g: Graph; xs: string[]; s: string } {
  const b = new GraphBuilder(row.op);
  const attrs = row.attrs ?? {};
  const xs = row.inputs.map((shape, k) => b.add(`x${k}`, 'input', [], shape));
  const out = b.add('y', row.op, xs, opDef(row.op).shape(row.inputs, attrs), attrs);
  const r = b.add('r', 'input', [], b.shapeOf(out));
  const s = b.add('s', 'sum', [b.add('yr', 'mul', [out, r], b.shapeOf(out))], []);
  return { g: verify(b.build([s])), xs, s };
}

describe('VJP rules against central finite differences', () => {
  it.each(rows.map((row, k) => [`${row.op} ${JSON.stringify(row.attrs ?? {})} ${JSON.stringify(row.inputs)}`, row, k] as const))(
    '%s',
    (_name, row, k) => {
      const { g, xs, s } = probe(row);
      const dg = verify(differentiate(g, s, xs));
      const next = rng(1000 + k);
      const feeds = new Map<string, Tensor>(xs.map((x, i) => [x, random(bind(row.inputs[i]!, BATCH), next, row.gens?.[i])]));
      feeds.set('r', random(bind(g.nodes.find((n) => n.id === 'r')!.shape, BATCH), next));
      const values = evaluate(dg, feeds);
      xs.forEach((x, i) => {
        const grad = values.get(dg.outputs[i + 1]!)!;
        expect(grad.shape).toEqual(bind(row.inputs[i]!, BATCH));
        const fd = centralDifference(g, s, feeds, x);
        expect(relError(grad.data, fd), `d/d${x}`).toBeLessThan(1e-6);
      });
    },
  );

  it('stop_gradient passes no cotangent, though its forward is the identity', () => {
    const { g, xs, s } = probe({ op: 'stop_gradient', inputs: [X] });
    const dg = verify(differentiate(g, s, xs));
    const grad = dg.nodes.find((n) => n.id === dg.outputs[1])!;
    expect(grad).toMatchObject({ op: 'const', attrs: { value: 0 }, shape: X });
  });

  it('covers every op with a VJP rule', () => {
    const covered = new Set([...rows.map((r) => r.op), 'stop_gradient']);
    const missing = Object.values(ops).filter((d) => d.vjp && !covered.has(d.name)).map((d) => d.name);
    expect(missing).toEqual([]);
  });
});
