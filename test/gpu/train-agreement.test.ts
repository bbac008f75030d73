// The GPU executor trains as the float64 CPU executor does: the same losses
// and parameters step after step, to float32 rounding. Measured after 20
// steps the differences are ~1e-7 relative for every spec here (f32's
// epsilon is 6e-8): Adam divides each update by the gradient's own scale, so
// rounding does not compound over a few steps. The bound is 100 times that,
// loose enough for another reduction order in codegen, tight enough that a
// wrong bias correction, a skipped update or a mis-gathered window fails.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { gpuExecutor } from '../../src/train/executors.js';
import type { Run } from '../../src/driver/run.js';
import { train, type TrainResult } from '../../src/train/trainer.js';
import { paramErrors, specRun, TINY, tinyRun, trainRun, withBatch } from '../train/helpers.js';
import { compiling } from '../budgets.js';

const TOLERANCE = 1e-5;
const STEPS = 20;

async function both(run: Run): Promise<{ cpu: TrainResult; gpu: TrainResult }> {
  const exec = await gpuExecutor(run);
  try {
    return { cpu: await trainRun(run), gpu: await train(exec, run.plan) };
  } finally {
    exec.dispose();
  }
}

function expectAgreement({ cpu, gpu }: { cpu: TrainResult; gpu: TrainResult }, steps: number): void {
  expect(cpu.outcome).toEqual({ status: 'done' });
  expect(gpu.outcome).toEqual({ status: 'done' });
  expect(gpu.history.map((h) => [h.step, h.epoch])).toEqual(cpu.history.map((h) => [h.step, h.epoch]));
  expect(gpu.history).toHaveLength(steps);
  const lossErr = Math.max(...cpu.history.map((h, i) => Math.abs(gpu.history[i]!.loss - h.loss) / Math.abs(h.loss)));
  expect(lossErr).toBeLessThan(TOLERANCE);
  for (const [name, err] of Object.entries(paramErrors(cpu.checkpoint.params, gpu.checkpoint.params))) expect(err, name).toBeLessThan(TOLERANCE);
  const [c, g] = [cpu.checkpoint.optimizer, gpu.checkpoint.optimizer];
  expect(g.count).toBe(c.count);
  if (c.kind === 'adam' && g.kind === 'adam') {
    for (const [name, err] of Object.entries(paramErrors(c.mu, g.mu))) expect(err, `mu ${name}`).toBeLessThan(TOLERANCE);
    for (const [name, err] of Object.entries(paramErrors(c.nu, g.nu))) expect(err, `nu ${name}`).toBeLessThan(TOLERANCE);
  }
}

describe(`${STEPS} steps on the GPU equal the float64 executor`, () => {
  const { timeout } = compiling(2);
  test.each([
    ['specs/quickstart/rollout5.tx', 32],
    ['specs/showcase/diverted-three-step-branch-two.tx', 32],
    ['specs/showcase/composite.tx', 32],
    // An MLP of six tensors; batch 16 keeps the float64 reference quick.
    ['specs/lorenz/mlp.tx', 16],
  ])('%s (batch %i)', { timeout }, async (file, batch) => {
    expectAgreement(await both(withBatch(specRun(file, { steps: STEPS }), batch)), STEPS);
  });

  test('shorter last batches of an epoch, SGD, a cosine schedule, windows without sub-stacking', { timeout }, async () => {
    // 12 windows in batches of 5: 5, 5, 2 per epoch.
    const source = TINY.replace('optimizer adam  lr 1e-2  steps 10  batch 4  seed 5', 'optimizer sgd  lr 0.1  schedule cosine  steps 9  batch 5  seed 5');
    expectAgreement(await both(tinyRun(source)), 9);
    // 3 windows (one per trajectory) in a batch of 8: the whole data every step.
    expectAgreement(await both(tinyRun(TINY.replace('batch 4  seed 5', 'batch 8  seed 5  substack false'))), 10);
  });

  // Gradient norms here are 1.6 to 2.2: a clip that scales every step's gradients, and one that some steps stay under.
  test.each([0.5, 2])('adamw, a warmup_cosine schedule and clip_norm %f (the norms phase)', { timeout }, async (clip) => {
    const source = TINY.replace('optimizer adam  lr 1e-2  steps 10', `optimizer adamw { weight_decay 0.1 }  schedule warmup_cosine { warmup 3  peak 1e-2  end 1e-3 }  clip_norm ${clip}  steps 10`);
    const r = await both(tinyRun(source));
    expectAgreement(r, 10);
    // The norms the GPU logs are those the float64 executor computes.
    for (const [i, h] of r.cpu.history.entries()) {
      const g = r.gpu.history[i]!.norms!;
      expect(Math.abs(g.grad - h.norms!.grad) / h.norms!.grad, `step ${i} gradient norm`).toBeLessThan(TOLERANCE);
      expect(Math.abs(g.weight - h.norms!.weight) / h.norms!.weight, `step ${i} parameter norm`).toBeLessThan(TOLERANCE);
    }
    const clipped = r.cpu.history.filter((h) => h.norms!.grad >= clip).length;
    expect(clipped).toBeGreaterThan(0);
    if (clip === 2) expect(clipped).toBeLessThan(10);
  });

  test('adamw with clip_norm on the Lorenz MLP: six tensors, the norm in one dispatch, the update in the next', { timeout }, async () => {
    const source = readFileSync('specs/lorenz/mlp.tx', 'utf8').replace(/train \{[^}]*\}/, 'train { optimizer adamw { weight_decay 1e-2 }  lr 1e-3  schedule warmup_cosine { warmup 5 }  clip_norm 0.5  steps 20  batch 16  seed 1 }');
    expectAgreement(await both(tinyRun(source, {}, 'specs/lorenz/mlp.tx')), STEPS);
  });
});
