// The step program is the whole step, decided by the compiler: the gather
// and the optimizer are in it, its buffers fit the target's limits (or the
// compile fails with what to change), and where the per-step gradient sums
// do not fit, it keeps them apart. No GPU: the limits are the target's.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { planModules, planText } from '../../src/codegen/plan-text.js';
import { plan } from '../../src/codegen/plan.js';
import { stepProgram } from '../../src/codegen/step.js';
import { frontend } from '../../src/frontend.js';
import type { Target } from '../../src/ir/target.js';
import { GENERIC, withLimits } from '../../src/ir/target.js';
import { runPasses } from '../../src/passes/pipeline.js';
import { specStep } from '../../src/spec-step.js';
import { UserError } from '../../src/util/diagnostics.js';

function compiled(file: string, source = readFileSync(file, 'utf8')) {
  const fe = frontend(source, file);
  expect(fe.diagnostics).toEqual([]);
  const p = fe.programs[0]!;
  const graph = runPasses(p.graph, fe.spec).at(-1)!.graph;
  return { spec: fe.spec, config: p.config, graph, step: (target: Target = GENERIC, batch?: number) => specStep(fe.spec, p.config, graph, target, batch ? { batch } : {}) };
}

const bytes = (n: number): Target => withLimits(GENERIC, { ...GENERIC.limits, maxStorageBufferBindingSize: n, maxBufferSize: n });

describe('the training step program', () => {
  test("the quickstart's plan shows its gather and Adam kernels, in the dispatches that run them", () => {
    const step = compiled('specs/quickstart/rollout5.tx').step();
    const phases = step.dispatches.flatMap((d) => d.phases.map((p) => p.name));
    expect(phases[0]).toBe('gather');
    expect(phases.at(-1)).toBe('optimizer');
    expect(phases.slice(1, -1)).toEqual(step.fusion.kernels.map((k) => k.name));
    const text = planText(step);
    expect(text).toMatch(/^dispatch gather: \d+ kernels merged, 1 workgroup$/m);
    expect(text).toMatch(/^ {2}gather +gather +map +trajectories windows, writes %ic %y1 %y2 %y3 %y4 %y5$/m);
    expect(text).toMatch(/^ {2}optimizer +adam +map +%grad\.layers\.0\.weight %loss state, writes %layers\.0\.weight state$/m);
    // Its WGSL files: one per dispatch, named by its first kernel.
    expect(planModules(step).map((m) => m.name)).toEqual(step.dispatches.map((d) => `${d.name}.wgsl`));
    expect(planModules(step)[0]!.wgsl).toContain('fn gather(');
    expect(planModules(step).at(-1)!.wgsl).toContain('fn optimizer(');
  });

  test('with clip_norm, a norms phase before the update writes the global norms after the state, which the host reads back per step', () => {
    const step = compiled('specs/train/adamw-clip.tx').step();
    const phases = step.dispatches.flatMap((d) => d.phases.map((p) => p.name));
    expect(phases.slice(-2)).toEqual(['norms', 'optimizer']);
    const n = step.optimizer!.tensors.reduce((a, t) => a + t.size, 0);
    // Adam's six regions of n floats after the 4-byte header, then the two norms.
    expect(step.readbacks.find((r) => r.name === 'norms')).toEqual({ name: 'norms', buffer: 'state', offset: 4 + 6 * n * 4, bytes: 8 });
    const wgsl = planModules(step).at(-1)!.wgsl;
    expect(wgsl).toContain(`state.values[${6 * n}u] = sqrt(a);`);
    expect(wgsl).toContain('let g = select((g0 / norm) * 1.0, g0, norm < 1.0);');
    expect(wgsl).toContain('+ 0.0001 * p0);');
    // Without the options the update is Adam's, and no norms are computed.
    const plain = compiled('specs/quickstart/rollout5.tx').step();
    expect(plain.dispatches.flatMap((d) => d.phases.map((p) => p.name))).not.toContain('norms');
    expect(plain.readbacks.map((r) => r.name)).toEqual(['loss', 'state']);
  });

  test('its buffers: the arena, the uniform, the state, the trajectories, the window ids and the offsets, with the bytes they take', () => {
    const { step: of, spec } = compiled('specs/quickstart/rollout5.tx');
    const step = of();
    const data = spec.data!;
    if (data.kind !== 'generator') throw new Error('a generator spec');
    expect(step.buffers.map((b) => [b.name, b.binding, b.bytes])).toEqual([
      ['arena', 0, step.memory.floats * 4],
      ['uniform', 1, 32],
      // The halted flag, then six regions of the two weights (Adam: parameters and moments, and the same before the last update).
      ['state', 2, 4 + 6 * 2 * 4],
      ['trajectories', 3, data.trajectories * data.snapshots * data.points * 4],
      ['windows', 4, 32 * 4],
      ['offsets', 5, step.dispatches.length * 256],
    ]);
    expect(step.readbacks).toEqual([
      { name: 'loss', buffer: 'arena', offset: step.memory.slots.get('loss')!.offset * 4, bytes: 4 },
      { name: 'state', buffer: 'state', offset: 4, bytes: 6 * 2 * 4 },
    ]);
  });

  test('a graph alone (tx grad) has the arena, the uniform and the offsets, and reads its outputs back', () => {
    const { graph } = compiled('specs/quickstart/rollout5.tx');
    const step = stepProgram(graph, { target: GENERIC, maxBatch: 8 });
    expect(step.buffers.map((b) => b.name)).toEqual(['arena', 'uniform', 'offsets']);
    expect(step.readbacks.map((r) => r.name)).toEqual(graph.outputs);
    expect(step.dispatches.flatMap((d) => d.phases)).toEqual(step.phases);
  });

  test("a target whose buffers cannot hold every step's cotangents keeps each step's gradient sums apart", () => {
    const { graph, step: of } = compiled('specs/lorenz/mlp.tx');
    const summed = plan(graph, 256, GENERIC);
    const apart = plan(graph, 256, GENERIC, { stepSums: false });
    expect(apart.memory.floats).toBeLessThan(summed.memory.floats);
    const between = 2 * (apart.memory.floats + summed.memory.floats);
    const small = of(bytes(between), 256);
    expect(small.memory.floats * 4).toBeLessThanOrEqual(between);
    expect(small.fusion.kernels.some((k) => k.terms)).toBe(false);
    expect(small.apartFrom).toBeGreaterThan(between);
    expect(planText(small)).toContain("# each step's gradient sums stay apart");
    const large = of(bytes(1e9), 256);
    expect(large.memory.floats).toBe(summed.memory.floats);
    expect(large.apartFrom).toBeUndefined();
  });

  test('an arena too large for the target even so is refused with what to change', () => {
    const { step: of } = compiled('specs/lorenz/mlp.tx');
    const huge = () => of(GENERIC, 10_000_000);
    expect(huge).toThrow(UserError);
    expect(huge).toThrow(/^a value of a step at batch 10000000 \(%u1\.act0\) takes \d+\.\d MiB, more than the 128\.0 MiB the GPU lets one binding see$/);
    expect(huge).toThrow(expect.objectContaining({ hint: expect.stringContaining('smaller batch') }));
    // Values within a binding each, but more banks of them than a kernel may bind.
    const many = () => of(GENERIC, 100_000);
    expect(many).toThrow(/^the values of a step take \d+ banks of the arena, and with the step's other buffers \d+ storage bindings, more than the 8 a kernel may see on this GPU$/);
  });

  test('trajectories too large for the target are refused with what to change', () => {
    const { step: of } = compiled('x.tx', 'data advection1d { points 1000  trajectories 400  snapshots 100 }\nemulator conv1d { channels 1 -> 1  kernel 2 }\nconfig supervised rollout 1\n');
    expect(() => of(bytes(2 ** 27))).toThrow(/^the training trajectories take 152\.6 MiB, more than the 128\.0 MiB the GPU allows in one buffer$/);
    expect(of(bytes(2 ** 28)).buffers.find((b) => b.name === 'trajectories')!.bytes).toBe(400 * 100 * 1000 * 4);
  });
});
