// How a GPU run ends other than by finishing: a non-finite loss learnt of
// steps late (losses come back a group at a time), an interruption resumed
// from its checkpoint, a lost device, and runs too large for the device.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { create, globals } from 'webgpu';
import { fourierSeries } from '../../src/data/generate.js';
import { Rng } from '../../src/data/rng.js';
import { advectionUpwind } from '../../src/data/steppers.js';
import { minibatches, windowCount } from '../../src/data/windows.js';
import { gpuDevice } from '../../src/runtime/gpu/device.js';
import { DeviceLostError } from '../../src/runtime/gpu/lost.js';
import { LOSS_GROUP } from '../../src/runtime/gpu/train-program.js';
import { initParams } from '../../src/runtime/params.js';
import { checkpointFromJson, checkpointToJson } from '../../src/train/checkpoint.js';
import { gpuExecutor, windowSource } from '../../src/train/executors.js';
import { GpuExecutor } from '../../src/train/gpu-executor.js';
import type { Run } from '../../src/driver/run.js';
import { train, type Checkpoint, type TrainHooks, type TrainResult } from '../../src/train/trainer.js';
import { bits, lossBits, paramErrors, specRun, TINY, tinyRun, trainRun } from '../train/helpers.js';
import { compiling } from '../budgets.js';

const { timeout } = compiling(2);

async function gpuRun(run: Run, hooks: TrainHooks = {}, resume?: Checkpoint): Promise<TrainResult> {
  const exec = await gpuExecutor(run);
  try {
    return await train(exec, run.plan, hooks, resume);
  } finally {
    exec.dispose();
  }
}

/**
 * 4 upwind-advected trajectories of 40 snapshots written to a data file, one
 * snapshot all zeros: under the normalised loss (nmse divides by the
 * target's own mean square) a window with it as a target has an infinite
 * loss, in float32 as in float64. Minibatch seed 2 first draws one at step 31.
 */
function zeroSnapshotRun(steps: number, optimizer = 'adam'): Run {
  const dir = mkdtempSync(join(tmpdir(), 'tx-gpu-nan-'));
  const [n, snapshots, points] = [4, 40, 16];
  const step = advectionUpwind(points, -0.5);
  const rng = new Rng(7);
  const data: number[] = [];
  for (let i = 0; i < n; i++) {
    let u = fourierSeries(points, 3, rng);
    for (let t = 0; t < snapshots; t++, u = step(u)) data.push(...(i === 1 && t === 20 ? new Float64Array(points) : u));
  }
  writeFileSync(join(dir, 'zero.json'), JSON.stringify({ shape: [n, snapshots, 1, points], data }));
  const source = `data file "zero.json"
emulator conv1d { channels 1 -> 1  kernel 2  padding circular  bias false  seed 3 }
config supervised rollout 2 loss nmse
train { optimizer ${optimizer}  lr 1e-2  steps ${steps}  batch 4  seed 2 }
`;
  return tinyRun(source, {}, join(dir, 'spec.tx'));
}

describe('a non-finite loss', () => {
  test.each(['adam', 'sgd'])('%s: stops at the same step as the float64 executor, with the same last good state', { timeout }, async (optimizer) => {
    const run = zeroSnapshotRun(100, optimizer);
    // Windows 56 and 57 (trajectory 1, starts 18 and 19) hold the zero snapshot as a target.
    const s = [...minibatches(windowCount(run.plan.data.shape, 3), 4, 100, 2)].findIndex((b) => b.includes(56) || b.includes(57));
    expect(s).toBe(31);
    const [cpu, gpu] = [await trainRun(run), await gpuRun(run)];
    for (const r of [cpu, gpu]) {
      expect(r.outcome).toEqual({ status: 'nonfinite', step: s, loss: Infinity, recovered: true });
      expect(r.checkpoint.step).toBe(s - 1);
      expect(r.checkpoint.optimizer.count).toBe(s - 1);
      expect(r.history).toHaveLength(s);
    }
    // Learnt of only when its group of losses came back, later steps already queued.
    expect(s).toBeGreaterThan(LOSS_GROUP);
    for (const [name, err] of Object.entries(paramErrors(cpu.checkpoint.params, gpu.checkpoint.params))) expect(err, name).toBeLessThan(1e-5);
    // On the GPU itself: exactly the state of a run of s - 1 steps.
    const shorter = await gpuRun(zeroSnapshotRun(s - 1, optimizer));
    expect(shorter.outcome).toEqual({ status: 'done' });
    expect(bits(gpu.checkpoint.params)).toEqual(bits(shorter.checkpoint.params));
    expect(bits(moments(gpu.checkpoint))).toEqual(bits(moments(shorter.checkpoint)));
    expect(lossBits(gpu.history.slice(0, s - 1))).toEqual(lossBits(shorter.history));
  });
});

/** Adam's moments as one parameter map, for `bits`; none for SGD. */
function moments(c: Checkpoint) {
  const o = c.optimizer;
  if (o.kind !== 'adam') return new Map();
  return new Map([...[...o.mu].map(([k, t]) => [`mu.${k}`, t] as const), ...[...o.nu].map(([k, t]) => [`nu.${k}`, t] as const)]);
}

describe('resume', () => {
  test('30 steps = 13 steps, a checkpoint file, 17 more: identical losses and state, bit for bit', { timeout }, async () => {
    const run = specRun('specs/quickstart/rollout5.tx', { steps: 30 });
    const whole = await gpuRun(run);
    let n = 0;
    // 13: mid-epoch and mid-group of the loss read-back.
    const first = await gpuRun(run, { stopRequested: () => n++ === 13 });
    expect(first.outcome).toEqual({ status: 'interrupted' });
    expect(first.checkpoint.step).toBe(13);
    const saved = checkpointFromJson(checkpointToJson(first.checkpoint, run.key), run.key, run.decls, 'checkpoint.json', run.spec.train.steps);
    const rest = await gpuRun(run, {}, saved);
    expect(rest.outcome).toEqual({ status: 'done' });
    expect(lossBits(rest.history)).toEqual(lossBits(whole.history));
    expect(bits(rest.checkpoint.params)).toEqual(bits(whole.checkpoint.params));
    expect(bits(moments(rest.checkpoint))).toEqual(bits(moments(whole.checkpoint)));
    expect(rest.checkpoint.optimizer.count).toBe(30);
  });

  test('checkpoints on schedule, each the state of its step', { timeout }, async () => {
    const run = tinyRun(TINY.replace('steps 10', 'steps 30'));
    const seen: Checkpoint[] = [];
    const whole = await gpuRun(run, { checkpointEvery: 12, onCheckpoint: (c) => void seen.push(c) });
    expect(seen.map((c) => [c.step, c.history.length, c.optimizer.count])).toEqual([
      [12, 12, 12],
      [24, 24, 24],
    ]);
    const upTo12 = await gpuRun(tinyRun(TINY.replace('steps 10', 'steps 12')));
    expect(bits(seen[0]!.params)).toEqual(bits(upTo12.checkpoint.params));
    expect(lossBits(whole.history.slice(0, 12))).toEqual(lossBits(upTo12.history));
  });
});

describe('errors a user can meet', () => {
  // A device of its own: destroying the shared one would break the other tests.
  let gpu: GPU | undefined = (Object.assign(globalThis, globals), create([]));
  afterAll(() => void (gpu = undefined));

  test('a lost device: a clear error, not a hang or a crash', { timeout }, async () => {
    const device = await (await gpu!.requestAdapter())!.requestDevice();
    const run = tinyRun(TINY.replace('steps 10', 'steps 200'));
    const exec = await gpuExecutor(run, device);
    const result = train(exec, run.plan, { onStep: (r) => r.step === 30 && device.destroy() });
    await expect(result).rejects.toThrow(DeviceLostError);
    await expect(result).rejects.toThrow(/the GPU device was lost/);
  });

  test('a step too large for the device is refused before anything is allocated, with what to change', { timeout }, async () => {
    const run = specRun('specs/lorenz/mlp.tx');
    const params = initParams(run.decls, run.initSeed);
    const huge = GpuExecutor.create(await gpuDevice(), run.graph, { kind: 'adam' }, params, windowSource(run.plan), 10_000_000);
    // Its activations take gigabytes each: more than one binding of the arena may see.
    await expect(huge).rejects.toThrow(/a value of a step at batch 10000000 \(%\S+\) takes \d+\.\d MiB, more than the \d+\.\d MiB the GPU lets one binding see/);
    await expect(huge).rejects.toMatchObject({ hint: expect.stringContaining('smaller batch') });
  });

  test('data beyond float32 is refused, not trained on as infinities', { timeout }, async () => {
    const run = tinyRun();
    run.plan.data.data[5] = 1e39;
    await expect(gpuExecutor(run)).rejects.toThrow(/the training data holds 1e\+39 .* beyond float32's range/);
  });
});
