// Tiny training runs for the tests: a few windows, a two-weight emulator, a
// handful of steps, so every test runs in milliseconds.
import { expect } from 'vitest';
import { frontend } from '../../src/frontend.js';
import type { Params } from '../../src/runtime/params.js';
import { cpuExecutor, prepareRun, type Run, type RunOptions } from '../../src/train/session.js';
import { train, type Checkpoint, type TrainHooks, type TrainResult } from '../../src/train/trainer.js';

/** 3 trajectories of 6 snapshots, windows of 3: 12 samples, 3 minibatches of 4 per epoch. */
export const TINY = `
data advection1d { points 8  trajectories 3  snapshots 6  cfl -0.5  modes 2  seed 1 }
emulator conv1d { channels 1 -> 1  kernel 2  padding circular  bias false  seed 3 }
config supervised rollout 2
train { optimizer adam  lr 1e-2  steps 10  batch 4  seed 5 }
`;

export function tinyRun(source = TINY, opts: RunOptions = {}, file = 'tiny.tx'): Run {
  const fe = frontend(source, file);
  expect(fe.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return prepareRun(fe.spec, fe.programs[0]!, opts);
}

export function trainRun(run: Run, hooks: TrainHooks = {}, resume?: Checkpoint): Promise<TrainResult> {
  return train(cpuExecutor(run), run.plan, hooks, resume);
}

/** Every bit of every parameter, so -0 vs 0 and the last ulp count. */
export function bits(p: Params): Record<string, string[]> {
  return Object.fromEntries(
    [...p].map(([k, t]) => [k, [...new BigUint64Array(Float64Array.from(t.data).buffer)].map((b) => b.toString(16))]),
  );
}

export function lossBits(history: readonly { loss: number }[]): string[] {
  return history.map((r) => [...new BigUint64Array(Float64Array.of(r.loss).buffer)][0]!.toString(16));
}
