// Tiny training runs for the tests: a few windows, a two-weight emulator, a
// handful of steps, so every test runs in milliseconds; and what the GPU
// executor's tests compare with.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { fileSnapshotShape } from '../../src/data/load.js';
import { frontend } from '../../src/frontend.js';
import type { Params } from '../../src/runtime/params.js';
import { cpuExecutor } from '../../src/train/executors.js';
import { loadRun, type KeyedRun } from '../../src/driver/node.js';
import type { Run, RunOptions } from '../../src/driver/run.js';
import { train, type Checkpoint, type TrainHooks, type TrainResult } from '../../src/train/trainer.js';

/** 3 trajectories of 6 snapshots, windows of 3: 12 samples, 3 minibatches of 4 per epoch. */
export const TINY = `
data advection1d { points 8  trajectories 3  snapshots 6  cfl -0.5  modes 2  seed 1 }
emulator conv1d { channels 1 -> 1  kernel 2  padding circular  bias false  seed 3 }
config supervised rollout 2
train { optimizer adam  lr 1e-2  steps 10  batch 4  seed 5 }
`;

/** `file` places a data file the source names (read beside it). */
export function tinyRun(source = TINY, opts: RunOptions = {}, file = 'tiny.tx'): KeyedRun {
  const fe = frontend(source, file, fileSnapshotShape(file));
  expect(fe.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return loadRun(fe.spec, fe.programs[0]!, opts);
}

/** A spec file's first configuration (its data file, if any, read beside it). */
export function specRun(file: string, opts: RunOptions = {}): KeyedRun {
  return tinyRun(readFileSync(file, 'utf8'), opts, file);
}

/** The same run with another batch size (the CPU reference of a large batch is slow). */
export function withBatch(run: Run, batch: number): Run {
  const train = { ...run.train, batch };
  return { ...run, train, plan: { ...run.plan, train } };
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

/** Largest difference relative to the tensor's own scale (a tiny entry next to big ones is rounding). */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Per parameter tensor, relError of `b` against `a`. */
export function paramErrors(a: Params, b: Params): Record<string, number> {
  expect([...b.keys()]).toEqual([...a.keys()]);
  return Object.fromEntries([...a].map(([name, t]) => [name, relError(t.data, b.get(name)!.data)]));
}
