import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fileSnapshotShape, loadDataset } from '../../src/data/load.js';
import { fourierSeries, generateData } from '../../src/data/generate.js';
import { Rng } from '../../src/data/rng.js';
import { advectionUpwind } from '../../src/data/steppers.js';
import { frontend } from '../../src/frontend.js';
import type { Params } from '../../src/runtime/params.js';
import { evaluateEmulator, GENERATED_TEST, testSet } from '../../src/train/evaluate.js';
import { distanceToUpwind, upwindDistance } from '../../src/train/upwind.js';
import { TINY, tinyRun } from './helpers.js';

const CFL = -0.75;
const kernel = (w0: number, w1: number): Params => new Map([['layers.0.weight', { shape: [1, 1, 2], data: Float64Array.of(w0, w1) }]]);

/** 4 trajectories of 60 snapshots made by the upwind method, 2 of them held out. */
function upwindSpec() {
  const dir = mkdtempSync(join(tmpdir(), 'tx-eval-'));
  const [n, snapshots, points] = [4, 60, 16];
  const step = advectionUpwind(points, CFL);
  const rng = new Rng(7);
  const data: number[] = [];
  for (let i = 0; i < n; i++) {
    let u = fourierSeries(points, 3, rng);
    for (let t = 0; t < snapshots; t++, u = step(u)) data.push(...u);
  }
  writeFileSync(join(dir, 'upwind.json'), JSON.stringify({ shape: [n, snapshots, 1, points], data }));
  const file = join(dir, 'spec.tx');
  writeFileSync(
    file,
    `data file "upwind.json" { test_trajectories 2 }
emulator conv1d { channels 1 -> 1  kernel 2  padding circular  bias false }
config supervised rollout 1
`,
  );
  const fe = frontend(readFileSync(file, 'utf8'), file, fileSnapshotShape(file));
  expect(fe.diagnostics).toEqual([]);
  return { spec: fe.spec, dataset: loadDataset(fe.spec.data!, file) };
}

describe('evaluation', () => {
  const { spec, dataset } = upwindSpec();
  const test_ = testSet(spec.data!, dataset);

  test('the exact stencil on upwind data: nRMSE 0 at steps 1, 10, 50', () => {
    const e = evaluateEmulator(spec, kernel(1 + CFL, -CFL), test_).evaluation;
    expect(e).toMatchObject({ source: 'held-out', trajectories: 2 });
    expect(e.nrmse.map((r) => r.step)).toEqual([1, 10, 50]);
    for (const r of e.nrmse) expect(r.value).toBeLessThan(1e-13);
  });

  test('the identity emulator against an independent computation; the first trajectory kept for the figure', () => {
    // Identity: the prediction at every step is the initial state.
    const { evaluation: e, fields } = evaluateEmulator(spec, kernel(1, 0), test_);
    const [n, T, , N] = test_.data.shape as [number, number, number, number];
    const state = (i: number, t: number) => test_.data.data.slice((i * T + t) * N, (i * T + t + 1) * N);
    const expected = [1, 10, 50].map((t) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const [u0, ut] = [state(i, 0), state(i, t)];
        const err = Math.hypot(...u0.map((x, k) => x - ut[k]!));
        sum += err / Math.hypot(...ut);
      }
      return sum / n;
    });
    e.nrmse.forEach((r, k) => expect(r.value).toBeCloseTo(expected[k]!, 12));
    expect(fields.shape).toEqual(test_.data.shape.slice(2));
    expect([...fields.input]).toEqual([...state(0, 0)]);
    expect(fields.steps.map((s) => s.step)).toEqual([1, 10, 50]);
    for (const s of fields.steps) {
      expect([...s.prediction]).toEqual([...state(0, 0)]);
      expect([...s.reference]).toEqual([...state(0, s.step)]);
    }
  });

  test('only the steps within the trajectories', () => {
    expect(evaluateEmulator(spec, kernel(1, 0), test_, [1, 59, 60]).evaluation.nrmse.map((r) => r.step)).toEqual([1, 59]);
  });
});

describe('what to evaluate on', () => {
  test('a generator without held-out trajectories: its held-out stream, never a training draw', () => {
    const run = tinyRun();
    const t = testSet(run.spec.data!, run.dataset);
    expect(t.source).toBe('generated');
    const decl = run.spec.data!;
    if (decl.kind !== 'generator') throw new Error('generator');
    expect(t.data).toEqual(generateData({ ...decl, testTrajectories: GENERATED_TEST }).test);
  });

  test('held-out trajectories when the spec has them', () => {
    const run = tinyRun(TINY.replace('seed 1 }', 'seed 1  test_trajectories 2 }'));
    expect(testSet(run.spec.data!, run.dataset)).toMatchObject({ source: 'held-out', data: { shape: [2, 6, 1, 8] } });
  });
});

describe('distance to the upwind stencil', () => {
  test('a known kernel', () => {
    // [0.3, 0.7] - [0.25, 0.75] = [0.05, -0.05]: sqrt(2) * 0.05.
    const d = distanceToUpwind([0.3, 0.7], CFL);
    expect(d).toMatchObject({ cfl: CFL, kernel: [0.3, 0.7], stencil: [0.25, 0.75] });
    expect(d.distance).toBeCloseTo(0.0707106781, 9);
  });

  test("from a spec: the quickstart's emulator only, CFL from the data block", () => {
    const run = tinyRun(); // cfl -0.5
    expect(upwindDistance(run.spec, kernel(0.5, 0.5))!.distance).toBe(0);
    expect(upwindDistance(tinyRun(TINY.replace('bias false', 'bias true')).spec, kernel(0.5, 0.5))).toBeUndefined();
  });
});
