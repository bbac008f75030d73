// The ETDRK step graphs compiled to WGSL and run on Dawn (lavapipe), against
// the float64 interpreter: a step of KS (ETDRK2, ETDRK4) and of 2-D diffusion
// (ETDRK0), KdV, Swift–Hohenberg and Kolmogorov flow, each with the gradient of an mse of two steps in the initial
// state, which runs spectral_scale by conjugate tables and the transforms'
// VJPs. The coefficients are float64 tables cast to f32 literals. Gray–Scott
// has two channels (per-channel tables over the channel axis, channel slices
// and a stacked spectrum); measured (relative error) 2-D step 3.3e-7, loss
// 1.1e-7, gradient 5.7e-7; 1-D step 1.8e-7, loss 3.9e-9, gradient 5.7e-7.
import { describe, expect, test } from 'vitest';
import { resolve, type SolverSpec } from '../../src/data/etdrk/catalogue.js';
import { etdrkStep } from '../../src/data/etdrk/step.js';
import type { Graph } from '../../src/ir/graph.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import type { Tensor } from '../../src/ops/op.js';
import { verify } from '../../src/ops/verify.js';
import { differentiate } from '../../src/passes/autodiff.js';
import { gpuDevice } from '../../src/runtime/gpu/device.js';
import { GpuProgram } from '../../src/runtime/gpu/program.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { compiling } from '../budgets.js';
import { random, relError, rng } from '../ops/helpers.js';

const BATCH = 2;

function graph(spec: SolverSpec): Graph {
  const { solver, options } = resolve(spec);
  const { dims, points } = options.grid;
  const shape = ['B' as const, solver.channels ?? 1, ...Array<number>(dims).fill(points)];
  const b = new GraphBuilder(spec.name);
  const u0 = b.add('u0', 'input', [], shape);
  const u1 = etdrkStep(b, solver, options, u0, 't0.');
  const u2 = etdrkStep(b, solver, options, u1, 't1.');
  const loss = b.add('loss', 'loss', [u2, b.add('target', 'input', [], shape)], [], { kind: 'mse' });
  const g = verify(differentiate(verify(b.build([loss])), loss, [u0]));
  return { ...g, outputs: [...g.outputs, u1] };
}

const device = await gpuDevice();

const cases: [string, SolverSpec][] = [
  ['ks, ETDRK2, 64 points', { name: 'ks', points: 64, extent: 30, dt: 0.1 }],
  ['ks, ETDRK4, 32 points', { name: 'ks', points: 32, extent: 20, dt: 0.1, order: 4 }],
  ['burgers, ETDRK3, 32 points', { name: 'burgers', points: 32, dt: 0.005, order: 3, params: { nu: 0.02 } }],
  ['diffusion, 2-D, 16 x 16', { name: 'diffusion', dims: 2, points: 16, dt: 0.5 }],
  // Complex contour means (dispersion), a cubic at 1/2 dealiasing, and the const forcing spectrum.
  ['kdv, ETDRK2, 32 points', { name: 'kdv', points: 32, dt: 0.01 }],
  ['swift-hohenberg, ETDRK2, 32 points', { name: 'swift_hohenberg', points: 32, dt: 0.2, substeps: 1 }],
  ['kolmogorov, 2-D, 16 x 16', { name: 'kolmogorov', dims: 2, points: 16, dt: 0.05, substeps: 1 }],
];

async function expectAgreement(spec: SolverSpec): Promise<void> {
  const g = graph(spec);
  const next = rng(3);
  const feeds = new Map<string, Tensor>(g.nodes.filter((n) => n.op === 'input').map((n) => [n.id, random(n.shape.map((d) => (d === 'B' ? BATCH : d)), next)]));
  const cpu = evaluate(g, feeds);
  const program = await GpuProgram.compile(device, g, BATCH);
  try {
    const gpu = await program.run(BATCH, feeds, g.outputs);
    for (const id of g.outputs) expect(relError(cpu.get(id)!.data, gpu.get(id)!), id).toBeLessThan(1e-5);
  } finally {
    program.destroy();
  }
}

describe('ETDRK steps on the GPU equal the float64 interpreter', () => {
  test.each(cases)('%s: a step, the loss and its gradient', compiling(1), async (_, spec) => expectAgreement(spec));
  // Two channels: the largest step graphs here, four programs' budget.
  test.each<[string, SolverSpec]>([
    ['gray-scott, 2-D 16^2, ETDRK2, dt 1', { name: 'gray_scott', dims: 2, points: 16, dt: 1, substeps: 1 }],
    ['gray-scott, 1-D 64, ETDRK2, dt 4 in 2 substeps', { name: 'gray_scott', points: 64, dt: 4, substeps: 2 }],
  ])('%s: a step, the loss and its gradient', compiling(4), async (_, spec) => expectAgreement(spec));
});
