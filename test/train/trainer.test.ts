import { describe, expect, test } from 'vitest';
import { gatherWindows, minibatches, windowCount } from '../../src/data/windows.js';
import { cpuLossAndGrad } from '../../src/runtime/cpu.js';
import { initParams } from '../../src/runtime/params.js';
import { checkpointFromJson, checkpointToJson } from '../../src/train/checkpoint.js';
import { schedule } from '../../src/train/schedule.js';
import type { Params } from '../../src/runtime/params.js';
import type { Checkpoint } from '../../src/train/trainer.js';
import { bits, lossBits, TINY, tinyRun, trainRun } from './helpers.js';

describe('the loop', () => {
  test('records the loss before each update, with the epoch of its minibatch', async () => {
    const run = tinyRun();
    const r = await trainRun(run);
    expect(r.outcome).toEqual({ status: 'done' });
    expect(r.history.map((h) => [h.step, h.epoch])).toEqual([...Array(10).keys()].map((s) => [s, Math.floor(s / 3)]));
    // Step 0's loss is the initial parameters' loss on the first minibatch.
    const first = [...minibatches(windowCount(run.plan.data.shape, 3), 4, 1, 5)][0]!;
    const initial = initParams(run.decls, run.initSeed);
    expect(r.history[0]!.loss).toBe(cpuLossAndGrad(run.graph, initial, gatherWindows(run.plan.data, first, 3)).loss);
    expect(r.checkpoint.step).toBe(10);
    expect(r.checkpoint.history).toEqual(r.history);
  });

  test('checkpoints on schedule, each consistent with its step', async () => {
    const seen: Checkpoint[] = [];
    await trainRun(tinyRun(), { checkpointEvery: 4, onCheckpoint: (c) => void seen.push(c) });
    expect(seen.map((c) => [c.step, c.history.length, c.optimizer.count])).toEqual([
      [4, 4, 4],
      [8, 8, 8],
    ]);
  });
});

describe('resume', () => {
  test('10 steps = 5 steps, a checkpoint file, 5 more: identical losses and parameters, bit for bit', async () => {
    const whole = await trainRun(tinyRun());
    let n = 0;
    const first = await trainRun(tinyRun(), { stopRequested: () => n++ === 5 });
    expect(first.outcome).toEqual({ status: 'interrupted' });
    expect(first.checkpoint.step).toBe(5);
    // Through the file format, as `tx train --resume` reads it; step 5 is mid-epoch.
    const run = tinyRun();
    const saved = checkpointFromJson(checkpointToJson(first.checkpoint, run.key), run.key, run.decls, 'checkpoint.json', run.spec.train.steps);
    const rest = await trainRun(run, {}, saved);
    expect(rest.outcome).toEqual({ status: 'done' });
    expect(rest.history).toEqual(whole.history);
    expect(lossBits(rest.history)).toEqual(lossBits(whole.history));
    expect(bits(rest.checkpoint.params)).toEqual(bits(whole.checkpoint.params));
    const [a, b] = [rest.checkpoint.optimizer, whole.checkpoint.optimizer];
    if (a.kind !== 'adam' || b.kind !== 'adam') throw new Error('adam');
    expect([a.count, bits(a.mu), bits(a.nu)]).toEqual([b.count, bits(b.mu), bits(b.nu)]);
  });

  test('a finished run extended to more steps: its history first, then the uninterrupted longer run', async () => {
    const short = await trainRun(tinyRun());
    const run = tinyRun(TINY, { steps: 16 });
    const saved = checkpointFromJson(checkpointToJson(short.checkpoint, run.key), run.key, run.decls, 'checkpoint.json', run.spec.train.steps);
    expect(saved.horizon).toBe(10);
    const extended = await trainRun(run, {}, saved);
    expect(extended.outcome).toEqual({ status: 'done' });
    expect(extended.history.slice(0, 10)).toEqual(short.history);
    // The constant schedule is the same over any horizon: the 16-step run itself.
    const whole = await trainRun(run);
    expect(lossBits(extended.history)).toEqual(lossBits(whole.history));
    expect(bits(extended.checkpoint.params)).toEqual(bits(whole.checkpoint.params));
    expect(extended.checkpoint.horizon).toBe(10);
  });

  test("an extended run's schedule keeps the first run's horizon and holds its final rate past it", async () => {
    const source = TINY.replace('steps 10', 'schedule exponential  steps 10');
    const short = await trainRun(tinyRun(source));
    const rates: number[] = [];
    await trainRun(tinyRun(source, { steps: 14 }), { onStep: (_, lr) => void rates.push(lr) }, short.checkpoint);
    const lr = schedule({ lr: 1e-2, schedule: 'exponential', steps: 10 });
    expect(rates).toEqual([10, 11, 12, 13].map(() => lr(10)));
    expect(rates[0]).toBeCloseTo(1e-4, 15);
  });

  test('a warmup_cosine run extended with --resume --steps keeps its horizon: its steps as before, then its end rate', async () => {
    const source = TINY.replace('steps 10', 'schedule warmup_cosine { warmup 2  end 1e-3 }  steps 10');
    const short = await trainRun(tinyRun(source, { steps: 6 }));
    const rates: number[] = [];
    const extended = await trainRun(tinyRun(source, { steps: 9 }), { onStep: (_, lr) => void rates.push(lr) }, short.checkpoint);
    expect(extended.history.slice(0, 6)).toEqual(short.history);
    expect(extended.checkpoint.horizon).toBe(6);
    expect(rates).toHaveLength(3);
    for (const r of rates) expect(r).toBeCloseTo(1e-3, 15);
  });

  test('evaluates every N steps, on the parameters after that many updates', async () => {
    const run = tinyRun();
    const seen: [number, Params][] = [];
    const r = await trainRun(run, { evalEvery: 4, onEval: (step, params) => void seen.push([step, params]) });
    expect(seen.map(([s]) => s)).toEqual([4, 8]);
    const four = await trainRun(tinyRun(TINY, { steps: 4 }));
    expect(bits(seen[0]![1])).toEqual(bits(four.checkpoint.params));
    expect(r.history).toHaveLength(10);
  });

  test('the checkpoint file round-trips every bit (-0 included) and refuses another run', () => {
    const run = tinyRun();
    const c: Checkpoint = {
      step: 1,
      horizon: 7,
      target: 7,
      params: new Map([['layers.0.weight', { shape: [1, 1, 2], data: Float64Array.of(-0, 0.1 + 0.2) }]]),
      optimizer: { kind: 'sgd', count: 1 },
      // A step's norms may overflow where its loss does not: JSON's null reads back as NaN.
      history: [{ step: 0, epoch: 0, loss: 1 / 3, norms: { grad: 0.1 + 0.2, weight: NaN } }],
    };
    const back = checkpointFromJson(checkpointToJson(c, run.key), run.key, run.decls, 'c.json', run.spec.train.steps);
    expect(bits(back.params)).toEqual(bits(c.params));
    expect(back.history).toEqual(c.history);
    expect(back.horizon).toBe(7);
    const other = tinyRun(TINY.replace('lr 1e-2', 'lr 2e-2'));
    expect(other.key).not.toBe(run.key);
    expect(() => checkpointFromJson(checkpointToJson(c, run.key), other.key, run.decls, 'c.json', run.spec.train.steps)).toThrow(/another run/);
  });
});

describe('a non-finite loss', () => {
  // Plain SGD with a huge step: the weights grow ~1e4-fold per step until the loss overflows.
  const DIVERGE = TINY.replace('optimizer adam  lr 1e-2  steps 10', 'optimizer sgd  lr 1e4  steps 200');

  test('stops at the first non-finite loss and keeps the parameters of the step before', async () => {
    const r = await trainRun(tinyRun(DIVERGE));
    expect(r.outcome.status).toBe('nonfinite');
    if (r.outcome.status !== 'nonfinite') return;
    const s = r.outcome.step;
    expect(s).toBeGreaterThan(2);
    expect(s).toBeLessThan(200);
    expect(r.outcome.recovered).toBe(true);
    expect(Number.isFinite(r.outcome.loss)).toBe(false);
    expect(r.history.length).toBe(s);
    expect(r.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    // The saved state is step s - 1's: a run of exactly s - 1 steps ends in it.
    expect(r.checkpoint.step).toBe(s - 1);
    expect(r.checkpoint.history.length).toBe(s - 1);
    const shorter = await trainRun(tinyRun(DIVERGE.replace('steps 200', `steps ${s - 1}`)));
    expect(shorter.outcome).toEqual({ status: 'done' });
    expect(bits(r.checkpoint.params)).toEqual(bits(shorter.checkpoint.params));
    // ...whose loss on minibatch s - 1 is the last, finite, recorded one.
    const run = tinyRun(DIVERGE);
    const idx = [...minibatches(windowCount(run.plan.data.shape, 3), 4, s, 5)][s - 1]!;
    const loss = cpuLossAndGrad(run.graph, r.checkpoint.params, gatherWindows(run.plan.data, idx, 3)).loss;
    expect(loss).toBe(r.history[s - 1]!.loss);
  });

  test('with no earlier state (the first step of a run or a resumed run) the parameters stay as they are', async () => {
    const run = tinyRun();
    const huge = new Map([['layers.0.weight', { shape: [1, 1, 2], data: Float64Array.of(1e200, -1e200) }]]);
    const history = [0, 1].map((step) => ({ step, epoch: 0, loss: 1 }));
    const r = await trainRun(run, {}, { step: 2, horizon: 10, target: 10, params: huge, optimizer: { kind: 'adam', count: 2, mu: huge, nu: huge }, history });
    expect(r.outcome).toMatchObject({ status: 'nonfinite', step: 2, recovered: false });
    expect(r.checkpoint.step).toBe(2);
    expect(bits(r.checkpoint.params)).toEqual(bits(huge));
  });
});
