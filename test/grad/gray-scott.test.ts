// The gradient of a two-step Gray–Scott rollout against central finite
// differences in float64: the two-channel step's VJP, through the channel
// slices, the stacked reaction spectrum and the per-channel tables (their
// conjugates), made by autodiff from the ops' own rules.
import { describe, expect, it } from 'vitest';
import { resolve, type SolverSpec } from '../../src/data/etdrk/catalogue.js';
import { etdrkStep } from '../../src/data/etdrk/step.js';
import type { Tensor } from '../../src/ops/op.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import { verify } from '../../src/ops/verify.js';
import { differentiate } from '../../src/passes/autodiff.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { centralDifference, random, relError, rng } from '../ops/helpers.js';

const shapeOf = (spec: SolverSpec) => [2, 2, ...Array<number>(spec.dims ?? 1).fill(spec.points!)];

function rollout(spec: SolverSpec) {
  const { solver, options } = resolve(spec);
  const b = new GraphBuilder('rollout');
  const u0 = b.add('u0', 'input', [], shapeOf(spec));
  const u2 = etdrkStep(b, solver, options, etdrkStep(b, solver, options, u0, 't0.'), 't1.');
  const loss = b.add('loss', 'loss', [u2, b.add('target', 'input', [], shapeOf(spec))], [], { kind: 'mse' });
  return { g: verify(b.build([loss])), u0 };
}

describe('Gray–Scott rollouts: gradients against finite differences', () => {
  it.each<[string, SolverSpec]>([
    ['1-D, ETDRK2, 2 substeps', { name: 'gray_scott', points: 16, dt: 2, substeps: 2 }],
    ['1-D, ETDRK4, no post-dealiasing', { name: 'gray_scott', points: 16, dt: 1, substeps: 1, order: 4, postDealias: false }],
    ['2-D 8^2, ETDRK3', { name: 'gray_scott', dims: 2, points: 8, dt: 1, substeps: 1, order: 3 }],
  ])('%s', (_, spec) => {
    const { g, u0 } = rollout(spec);
    const dg = verify(differentiate(g, 'loss', [u0]));
    const next = rng(7);
    const feeds = new Map<string, Tensor>([
      [u0, random(shapeOf(spec), next)],
      ['target', random(shapeOf(spec), next)],
    ]);
    const grad = evaluate(dg, feeds).get(dg.outputs[1]!)!;
    expect(relError(grad.data, centralDifference(g, 'loss', feeds, u0))).toBeLessThan(1e-7);
  }, 30_000);
});
