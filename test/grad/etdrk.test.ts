// Gradients through ETDRK steps against central finite differences in
// float64: a rollout of two steps of each nonlinear solver and order, its
// VJP made by autodiff from the ops' own (spectral_scale by the conjugate
// table, rfft and irfft as weighted transforms of each other). Gray–Scott's
// two channels add channel slices, a stacked reaction spectrum and
// per-channel tables (their conjugates).
import { describe, expect, it } from 'vitest';
import { resolve, type SolverSpec } from '../../src/data/etdrk/catalogue.js';
import { etdrkStep } from '../../src/data/etdrk/step.js';
import type { Tensor } from '../../src/ops/op.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import { verify } from '../../src/ops/verify.js';
import { differentiate } from '../../src/passes/autodiff.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { centralDifference, random, relError, rng } from '../ops/helpers.js';

const N = 16;

/** A batch of two states on the spec's grid, with the solver's channels. */
const shapeOf = (spec: SolverSpec) => [2, resolve(spec).solver.channels ?? 1, ...Array<number>(spec.dims ?? 1).fill(spec.points!)];

function rollout(spec: SolverSpec, steps: number) {
  const { solver, options } = resolve(spec);
  const b = new GraphBuilder('rollout');
  const u0 = b.add('u0', 'input', [], shapeOf(spec));
  let u = u0;
  for (let t = 0; t < steps; t++) u = etdrkStep(b, solver, options, u, `t${t}.`);
  const target = b.add('target', 'input', [], shapeOf(spec));
  const loss = b.add('loss', 'loss', [u, target], [], { kind: 'mse' });
  return { g: verify(b.build([loss])), u0 };
}

const cases: [string, SolverSpec][] = [
  ...([1, 2, 3, 4] as const).map((order): [string, SolverSpec] => [`ks, ETDRK${order}`, { name: 'ks', points: N, extent: 12, dt: 0.2, order }]),
  ['burgers, ETDRK2', { name: 'burgers', points: N, dt: 0.01, params: { nu: 0.02 } }],
  ['burgers conservative, ETDRK3, 2 substeps', { name: 'burgers', points: N, dt: 0.01, substeps: 2, order: 3, params: { nu: 0.02, conservative: true } }],
  ['ks without post-dealiasing, ETDRK2', { name: 'ks', points: N, extent: 12, dt: 0.2, postDealias: false }],
  ['advection (ETDRK0)', { name: 'advection', points: N, dt: 0.3 }],
  ['dispersion (ETDRK0)', { name: 'dispersion', points: N, dt: 0.1, params: { dispersivity: 1e-3 } }],
  ['kdv, ETDRK4', { name: 'kdv', points: N, dt: 0.01, order: 4 }],
  ['ks conservative, ETDRK2', { name: 'ks_conservative', points: N, extent: 12, dt: 0.2 }],
  ['fisher-kpp, ETDRK3', { name: 'fisher_kpp', points: N, dt: 0.01, order: 3 }],
  ['swift-hohenberg, ETDRK2, 2 substeps', { name: 'swift_hohenberg', points: N, dt: 0.2, substeps: 2 }],
  // 8^2: a central difference per point.
  ['navier-stokes 2-D, ETDRK2', { name: 'navier_stokes', dims: 2, points: 8, dt: 0.05 }],
  ['kolmogorov 2-D, ETDRK2', { name: 'kolmogorov', dims: 2, points: 8, dt: 0.05, substeps: 1, params: { injection_mode: 1 } }],
  ['gray-scott, ETDRK2, 2 substeps', { name: 'gray_scott', points: N, dt: 2, substeps: 2 }],
  ['gray-scott, ETDRK4, no post-dealiasing', { name: 'gray_scott', points: N, dt: 1, substeps: 1, order: 4, postDealias: false }],
  ['gray-scott 2-D 8^2, ETDRK3', { name: 'gray_scott', dims: 2, points: 8, dt: 1, substeps: 1, order: 3 }],
];

describe('ETDRK rollouts: gradients against finite differences', () => {
  it.each(cases)('%s', (_, spec) => {
    const { g, u0 } = rollout(spec, 2);
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
