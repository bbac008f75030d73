// `tx eval`'s pieces in-process: the reference served level by level, the
// streamed rollout scored per step (and agreeing with tx train's
// evaluation), the GPU rollout against the float64 one, and parameter files
// read back and checked against the spec.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { generateData, heldOutLevels } from '../../src/data/generate.js';
import { parseMetric } from '../../src/math/metrics.js';
import { paramsToJson, type Params } from '../../src/runtime/params.js';
import { evaluateEmulator, testSet } from '../../src/train/evaluate.js';
import { readParamsFile } from '../../src/train/params-file.js';
import { evaluateRollout } from '../../src/train/rollout-eval.js';
import { openStepper, rollout } from '../../src/train/rollout.js';
import { safetensors } from '../../src/train/safetensors.js';
import { checkLength, testLevels } from '../../src/train/test-levels.js';
import { compiling } from '../budgets.js';
import { TINY, tinyRun } from './helpers.js';

const kernel = (w0: number, w1: number): Params => new Map([['layers.0.weight', { shape: [1, 1, 2], data: Float64Array.of(w0, w1) }]]);
const NRMSE = [parseMetric('nRMSE')];

function generator() {
  const run = tinyRun(TINY.replace('seed 1 }', 'seed 1  test_trajectories 2 }'));
  const decl = run.spec.data!;
  if (decl.kind !== 'generator') throw new Error('a generator spec');
  return { run, decl };
}

describe('the reference, one level at a time', () => {
  test("a generator's held-out levels are generateData's test split, and go on past it", () => {
    const { decl } = generator();
    const stored = generateData({ ...decl, testSnapshots: 9 }).test;
    const levels = heldOutLevels(decl);
    for (let t = 0; t < 9; t++) {
      const level = levels.next().value;
      for (let i = 0; i < 2; i++) expect(level.slice(i * 8, (i + 1) * 8)).toEqual(stored.data.slice((i * 9 + t) * 8, (i * 9 + t + 1) * 8));
    }
    // The spec's own 6 snapshots are the first 6 of these.
    expect(generateData(decl).test.data).toEqual(Float64Array.from({ length: 2 * 6 * 8 }, (_, k) => stored.data[Math.floor(k / 48) * 72 + (k % 48)]!));
  });

  test('a data file is as long as it is: a longer rollout is refused, saying how long', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tx-rollout-'));
    writeFileSync(join(dir, 'd.json'), JSON.stringify({ shape: [3, 4, 1, 8], data: Array.from({ length: 96 }, (_, k) => Math.sin(k)) }));
    const run = tinyRun(TINY.replace(/data advection1d \{[^}]*\}/, 'data file "d.json" { test_trajectories 1 }'), {}, join(dir, 'spec.tx'));
    const t = testLevels(run.spec.data!, () => run.dataset);
    expect(t).toMatchObject({ trajectories: 1, snapshots: 4, extendable: false, note: '1 held-out trajectories' });
    expect(() => checkLength(t, 3)).not.toThrow();
    expect(() => checkLength(t, 4)).toThrow('a rollout of 4 steps needs reference trajectories of 5 snapshots, but the data file\'s have 4');
  });
});

describe('the rollout scored per step', () => {
  test("nRMSE at steps 1, 10, 50 is tx train's evaluation (one channel: the two definitions agree)", async () => {
    const { run, decl } = generator();
    const params = kernel(0.4, 0.55);
    const stepper = await openStepper(run.spec, [1, 8], params, 'cpu', 2);
    const e = await evaluateRollout(stepper, testLevels(decl, () => run.dataset), [1, 8], NRMSE, 50, 20);
    const train = evaluateEmulator(run.spec, params, testSet(decl, { ...run.dataset, test: generateData({ ...decl, testSnapshots: 51 }).test })).evaluation;
    expect(train.nrmse.map((r) => r.step)).toEqual([1, 10, 50]);
    for (const r of train.nrmse) expect(e.curves[0]!.mean[r.step - 1]).toBeCloseTo(r.value, 13);
    expect(e).toMatchObject({ trajectories: 2, steps: 50, upTo: 20, notes: [] });
    const m = e.curves[0]!;
    expect(m.mean).toHaveLength(50);
    for (let t = 0; t < 50; t++) expect(m.min[t]! <= m.mean[t]! && m.mean[t]! <= m.max[t]!).toBe(true);
    expect(m.gmeanUpTo).toBeCloseTo(Math.exp(m.mean.slice(0, 20).reduce((a, x) => a + Math.log(x), 0) / 20), 13);
  });

  test('a zero reference channel is named', async () => {
    const { run, decl } = generator();
    const stepper = await openStepper(run.spec, [1, 8], kernel(0, 0), 'cpu', 2);
    const zero = { ...testLevels(decl, () => run.dataset), levels: () => ({ next: () => ({ value: new Float64Array(16), done: false }) }) };
    const e = await evaluateRollout(stepper, zero, [1, 8], NRMSE, 2, 2);
    expect(e.curves[0]!.mean).toEqual([NaN, NaN]);
    expect(e.notes).toEqual(['nRMSE is NaN at step 1 (its first), trajectory 0, channel 0: the reference channel is zero']);
  });

  test('a diverged rollout: nRMSE finite while the prediction is, nMSE infinite for its overflow, not a zero norm', async () => {
    const { run, decl } = generator();
    // Each step multiplies the state by about 2e40: its squares overflow (> 1.8e308) from about step 4, the state itself from step 8.
    const stepper = await openStepper(run.spec, [1, 8], kernel(1e40, 1e40), 'cpu', 2);
    const metrics = ['nRMSE', 'nMSE'].map(parseMetric);
    const e = await evaluateRollout(stepper, testLevels(decl, () => run.dataset), [1, 8], metrics, 6, 6);
    expect(e.curves[0]!.mean.every(Number.isFinite)).toBe(true);
    expect(e.curves[0]!.mean[5]).toBeGreaterThan(1e200);
    expect(e.notes).toHaveLength(1);
    expect(e.notes[0]).toMatch(/^nMSE is Infinity at step \d \(its first\), trajectory \d, channel 0: the error's aggregate exceeds float64's range \(the prediction reaches \d\.\d\de\+\d+\)$/);
  });

  test('a NaN state stays NaN through a relu network: a diverged rollout does not recover', async () => {
    // conv1d 1 -> 2 -> 1 with relu between: were relu(NaN) 0, the next state would be 0 and every later one too.
    const run = tinyRun(TINY.replace('channels 1 -> 1', 'channels 1 -> 2 -> 1'));
    const ones = (shape: number[]) => ({ shape, data: new Float64Array(shape.reduce((a, x) => a * x, 1)).fill(1) });
    const params: Params = new Map([['layers.0.weight', ones([2, 1, 2])], ['layers.1.weight', ones([1, 2, 2])]]);
    const stepper = await openStepper(run.spec, [1, 8], params, 'cpu', 2);
    const states: Float64Array[] = [];
    for await (const u of rollout(stepper, new Float64Array(16).fill(NaN), 3)) states.push(u);
    expect(states.map((u) => u.every(Number.isNaN))).toEqual([true, true, true]);
  });

  test('the GPU rollout (float32) agrees with the float64 one to 1e-4', compiling(1), async () => {
    const { run, decl } = generator();
    const params = kernel(0.3, 0.68);
    const metrics = ['nRMSE', 'nMAE', 'correlation', 'fourier_nRMSE'].map(parseMetric);
    const score = async (device: 'cpu' | 'gpu') => {
      const stepper = await openStepper(run.spec, [1, 8], params, device, 2);
      try {
        return await evaluateRollout(stepper, testLevels(decl, () => run.dataset), [1, 8], metrics, 100, 100);
      } finally {
        stepper.close();
      }
    };
    const [cpu, gpu] = [await score('cpu'), await score('gpu')];
    cpu.curves.forEach((c, k) => {
      c.mean.forEach((x, t) => expect(Math.abs(gpu.curves[k]!.mean[t]! - x)).toBeLessThan(1e-4 * Math.abs(x)));
      // correlation turns negative here: its geometric mean is NaN on both.
      if (Number.isNaN(c.gmeanUpTo)) expect(gpu.curves[k]!.gmeanUpTo).toBeNaN();
      else expect(Math.abs(gpu.curves[k]!.gmeanUpTo - c.gmeanUpTo)).toBeLessThan(1e-4 * c.gmeanUpTo);
    });
  });
});

describe('parameter files', () => {
  const decls = [{ name: 'layers.0.weight', shape: [1, 1, 2], fanIn: 2 }];
  const dir = mkdtempSync(join(tmpdir(), 'tx-params-'));
  const write = (name: string, data: string | Uint8Array) => (writeFileSync(join(dir, name), data), join(dir, name));

  test('safetensors (F32 and F64) and JSON read back as the emulator declares them', () => {
    const p = kernel(0.25, 0.75);
    expect(readParamsFile(write('a.safetensors', safetensors(p)), decls)).toEqual(p);
    expect(readParamsFile(write('b.safetensors', safetensors(kernel(0.1, 0.2), 'F64')), decls)).toEqual(kernel(0.1, 0.2));
    expect(readParamsFile(write('c.json', paramsToJson(p)), decls)).toEqual(p);
  });

  test("another network's weights are refused by name and shape", () => {
    const wrongShape = new Map([['layers.0.weight', { shape: [1, 1, 3], data: Float64Array.of(1, 2, 3) }]]);
    expect(() => readParamsFile(write('d.safetensors', safetensors(wrongShape)), decls)).toThrow(/'layers\.0\.weight' has shape \[1, 1, 3\], but the emulator needs \[1, 1, 2\]/);
    const extra = new Map([...kernel(1, 0), ['layers.1.bias', { shape: [4], data: new Float64Array(4) }]]);
    expect(() => readParamsFile(write('e.safetensors', safetensors(extra)), decls)).toThrow(/unknown parameter 'layers\.1\.bias'/);
    expect(() => readParamsFile(write('f.safetensors', safetensors(new Map())), decls)).toThrow(/missing parameter 'layers\.0\.weight'/);
    expect(() => readParamsFile(write('g.safetensors', 'not a safetensors file'), decls)).toThrow(/not a safetensors file/);
    expect(() => readParamsFile(write('h.pt', 'x'), decls)).toThrow(/unknown parameter format/);
  });
});
