// With `cut_bptt every k`, peak activation memory is bounded by the segment
// for every network family: a segment's backward runs before the next
// segment's forward (schedule.ts), so its activations are gone before more
// are made. What still grows with the rollout is what the configuration
// holds to the end: each step's scalar loss and its parameter gradients,
// which wait for the final sums. `tx compile --stats` prints the step's GPU
// memory (gpuBytes), the training step program of the spec as compiled from
// its built-in generator's layout.
import { describe, expect, test } from 'vitest';
import { planStats, type PlanStats } from '../../src/codegen/plan-text.js';
import type { StepProgram } from '../../src/codegen/step.js';
import { planStatsLines } from '../../src/driver/compile.js';
import { frontend } from '../../src/frontend.js';
import { GENERIC } from '../../src/ir/target.js';
import { emulatorParams } from '../../src/passes/inline.js';
import { runPasses } from '../../src/passes/pipeline.js';
import { specStep } from '../../src/spec-step.js';

const POINTS = 32;

const NETWORKS: Record<string, string> = {
  conv: 'conv { channels 1 -> 8 -> 8 -> 1  kernel 5 }',
  resnet: 'resnet { width 8  blocks 2 }',
  unet: 'unet { width 4  levels 1 }',
  dilated: 'dilated { width 8  blocks 1  dilations [1, 2, 1]  norm group }',
  mlp: 'mlp { width 32  depth 2 }',
  correction: 'correction { mode parallel  coarse advection1d { cfl -0.5  method upwind }  net conv { channels 1 -> 4 -> 1 } }',
};

/** The training step of `emulator` at `rollout`, cut every 5 or not, its numbers, and the emulator's parameter count. */
function compile(emulator: string, rollout: number, cut: boolean): { step: StepProgram; stats: PlanStats; params: number } {
  const source = `data advection1d { points ${POINTS}  trajectories 4  snapshots 24  cfl -0.75 }
emulator ${emulator}
config supervised rollout ${rollout}${cut ? ' cut_bptt every 5' : ''}
train { batch 16 }
`;
  const fe = frontend(source, 'memory.tx');
  expect(fe.diagnostics).toEqual([]);
  const program = fe.programs[0]!;
  const step = specStep(fe.spec, program.config, runPasses(program.graph, fe.spec).at(-1)!.graph, GENERIC);
  const params = emulatorParams(fe.spec, [1, POINTS]).reduce((a, p) => a + p.shape.reduce((x, d) => x * d, 1), 0);
  return { step, stats: planStats(step), params };
}

describe('cut_bptt every 5 bounds peak activations by the segment, for every network', () => {
  // Three programs of up to 20 steps: a few seconds on a shared core.
  test.each(Object.keys(NETWORKS))('%s', { timeout: 30_000 }, (name) => {
    const net = NETWORKS[name]!;
    const { stats: cut10, params } = compile(net, 10, true);
    const [uncut20, cut20] = [compile(net, 20, false).stats, compile(net, 20, true).stats];
    // Twice the segments, the same activations: ten more steps add only
    // their losses and parameter gradients (a float and `params` floats each).
    expect(cut20.peakActivationBytes - cut10.peakActivationBytes).toBeLessThanOrEqual(10 * (params + 1) * 4);
    // Uncut, the backward of step 1 waits for the cotangent of step 20, and
    // every step's activations are alive at once. The mlp is the exception:
    // on a 32-point field its activations are 2 KiB a step against 12 KiB of
    // parameter gradients, so the gradients that wait set its peak either way.
    if (name !== 'mlp') {
      expect(cut20.peakActivationBytes).toBeLessThan(uncut20.peakActivationBytes / 3);
      expect(cut20.gpuBytes).toBeLessThan(uncut20.gpuBytes / 1.5);
    }
  });
});

describe('tx compile --stats: the GPU memory of a training step', () => {
  test('counts every buffer of the step program, the arena at the largest batch among them', () => {
    const { step, stats: s } = compile(NETWORKS['conv']!, 20, true);
    expect(step.buffers.map((b) => b.name)).toEqual(['arena', 'uniform', 'state', 'trajectories', 'windows', 'offsets']);
    expect(s.gpuBytes).toBe(step.buffers.reduce((a, b) => a + b.bytes, 0));
    expect(s.gpuBytes).toBeGreaterThan(s.arenaBytes);
    expect(planStatsLines(s).at(-1)).toBe(`  GPU memory          ${(s.gpuBytes / 1024).toFixed(1)} KiB (every buffer of the step at batch 16, the arena among them; all held throughout, so the step's peak)`);
  });
});
