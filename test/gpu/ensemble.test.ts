// An ensemble's member s trains exactly as a single run with seed s: the
// members run the single run's kernels, each on its copy of the arena and
// state (codegen/members.ts), so every sum keeps its order and the losses,
// parameters and optimizer states are bit-identical, not merely close.
import { describe, expect, test } from 'vitest';
import { openEnsemble, openSession } from '../../src/driver/session.js';
import type { Run } from '../../src/driver/run.js';
import type { TrainResult } from '../../src/train/trainer.js';
import type { StepProgram } from '../../src/codegen/step.js';
import { GENERIC, withLimits } from '../../src/ir/target.js';
import { specStep } from '../../src/spec-step.js';
import { gpuEnsemble } from '../../src/train/executors.js';
import { gpuDevice } from '../../src/runtime/gpu/device.js';
import { deviceTarget } from '../../src/runtime/gpu/target-probe.js';
import { train } from '../../src/train/trainer.js';
import { bits, lossBits, specRun, TINY, tinyRun, withBatch } from '../train/helpers.js';
import { compiling } from '../budgets.js';

async function single(run: Run): Promise<TrainResult> {
  const s = await openSession(run, 'gpu');
  try {
    return await s.train();
  } finally {
    s.close();
  }
}

async function together(runs: readonly Run[]): Promise<TrainResult[]> {
  const sessions = await openEnsemble(runs, 'gpu');
  try {
    return await Promise.all(sessions.map((s) => s.train()));
  } finally {
    for (const s of sessions) s.close();
  }
}

function expectSame(member: TrainResult, alone: TrainResult, steps: number): void {
  expect(member.outcome).toEqual(alone.outcome);
  expect(member.history).toHaveLength(steps);
  expect(lossBits(member.history)).toEqual(lossBits(alone.history));
  expect(bits(member.checkpoint.params)).toEqual(bits(alone.checkpoint.params));
  const [m, a] = [member.checkpoint.optimizer, alone.checkpoint.optimizer];
  expect(m.count).toBe(a.count);
  if (m.kind === 'adam' && a.kind === 'adam') {
    expect(bits(m.mu)).toEqual(bits(a.mu));
    expect(bits(m.nu)).toEqual(bits(a.nu));
  }
}

/** Runs of `file` with seeds 0 .. n-1, as `tx train --seeds` makes them. */
function seeds(make: (seedOffset: number) => Run, n: number): Run[] {
  return [...Array(n).keys()].map(make);
}

/** A 2-D convolution stack: register blocks, merged dispatches, a weight gradient summed over time steps. */
const CONV_2D = `
data diffusion { dims 2  points 16  trajectories 4  snapshots 6  gamma 0.1  modes 3  seed 0 }
emulator conv { channels 1 -> 8 -> 8 -> 1  kernel 3  activation relu  padding circular  seed 0 }
config supervised rollout 2
train { optimizer adam  lr 1e-3  steps 5  batch 4  seed 1 }
`;

describe('an ensemble member equals the single run with its seed, bit for bit', () => {
  const { timeout } = compiling(4);

  test('the quickstart at rollout 5, 3 members, 100 steps', { timeout }, async () => {
    const runs = seeds((s) => withBatch(specRun('specs/quickstart/rollout5.tx', { steps: 100, seedOffset: s }), 32), 3);
    const members = await together(runs);
    // The members differ: their seeds' initialisations and minibatch orders.
    expect(lossBits(members[1]!.history)).not.toEqual(lossBits(members[0]!.history));
    for (const [s, run] of runs.entries()) expectSame(members[s]!, await single(run), 100);
  });

  test('an FNO (Fourier transforms: dispatches of their own), and adamw with clip_norm (the norms phase)', { timeout }, async () => {
    const fno = seeds((s) => specRun('specs/networks/fno-1d.tx', { steps: 5, seedOffset: s }), 2);
    const members = await together(fno);
    for (const [s, run] of fno.entries()) expectSame(members[s]!, await single(run), 5);
    const source = TINY.replace('optimizer adam  lr 1e-2  steps 10', 'optimizer adamw { weight_decay 0.1 }  clip_norm 0.5  steps 10');
    const clipped = seeds((s) => tinyRun(source, { seedOffset: s }), 2);
    const clippedMembers = await together(clipped);
    for (const [s, run] of clipped.entries()) {
      const alone = await single(run);
      expectSame(clippedMembers[s]!, alone, 10);
      expect(clippedMembers[s]!.history.map((h) => h.norms)).toEqual(alone.history.map((h) => h.norms));
    }
  });

  // Banks of 64 KiB (codegen/memory.ts): each member's copy of a bank lies in
  // that bank's binding, which holds every member's.
  test('a 2-D convolution stack whose arena takes several banks, 3 members', { timeout }, async () => {
    const runs = seeds((s) => tinyRun(CONV_2D, { seedOffset: s }), 3);
    const device = await gpuDevice();
    const base = deviceTarget(device);
    const banked = withLimits(base, { ...base.limits, maxStorageBufferBindingSize: 3 * 65536 });
    const { memory } = specStep(runs[0]!.spec, runs[0]!.config, runs[0]!.graph, banked, { members: 3 });
    expect(memory.banks.length).toBeGreaterThan(2);
    const executors = await gpuEnsemble(runs, device, banked);
    let members: TrainResult[];
    try {
      members = await Promise.all(executors.map(async (e, m) => {
        try {
          return await train(e, runs[m]!.plan);
        } finally {
          e.finish();
        }
      }));
    } finally {
      for (const e of executors) e.dispose();
    }
    for (const [s, run] of runs.entries()) expectSame(members[s]!, await single(run), 5);
  });

  test('a member stopped early (an interrupted run) leaves the others training, and keeps its state', { timeout }, async () => {
    const runs = seeds((s) => tinyRun(TINY, { seedOffset: s }), 2);
    const sessions = await openEnsemble(runs, 'gpu');
    let asked = 0;
    let results: TrainResult[];
    try {
      results = await Promise.all(sessions.map((s, m) => s.train({ stopRequested: () => m === 0 && asked++ >= 4 })));
    } finally {
      for (const s of sessions) s.close();
    }
    expect(results[0]!.outcome).toEqual({ status: 'interrupted' });
    expect(results[0]!.checkpoint.step).toBe(4);
    expectSame(results[1]!, await single(runs[1]!), 10);
    const first4 = await single(tinyRun(TINY, { seedOffset: 0, steps: 4 }));
    expect(bits(results[0]!.checkpoint.params)).toEqual(bits(first4.checkpoint.params));
  });
});

test("an ensemble's program: every dispatch runs every member, each with its copy of the arena, state and windows", () => {
  const run = specRun('specs/quickstart/rollout5.tx');
  const step = (members: number) => specStep(run.spec, run.config, run.graph, GENERIC, { members });
  const [one, four] = [step(1), step(4)];
  expect(four.dispatches.map((d) => d.workgroups(32))).toEqual(one.dispatches.map((d) => ({ ...d.workgroups(32), z: 4 })));
  const bytes = (p: StepProgram, name: string) => p.buffers.find((b) => b.name === name)!.bytes;
  expect(bytes(four, 'arena')).toBe(4 * bytes(one, 'arena'));
  expect(bytes(four, 'windows')).toBe(4 * bytes(one, 'windows'));
  // Each member's state after a halted flag of its own.
  expect(bytes(four, 'state') - 16).toBe(4 * (bytes(one, 'state') - 4));
  for (const d of four.dispatches) expect(d.code, d.label).toMatch(/tx_e = \w+\.z;/);
  expect(four.readbacks.filter((r) => r.name === 'loss').map((r) => r.offset)).toEqual([0, 1, 2, 3].map((m) => one.readbacks[0]!.offset + m * one.memory.banks[0]!.floats * 4));
});
