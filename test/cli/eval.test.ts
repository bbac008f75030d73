// `tx eval` and `tx rollout` as a user runs them, on the quickstart trained
// for a few steps: the table, the files beside the parameters, the GPU
// against the CPU, and the mistakes a user makes, each a message and exit 1.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { readNpy } from '../../src/data/npy.js';
import { safetensors } from '../../src/train/safetensors.js';
import { spawning } from '../budgets.js';

const QUICK = 'specs/quickstart/rollout5.tx';
const STACK = /at .*\.(js|ts):\d+/;

function tx(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/tx.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const run = mkdtempSync(join(tmpdir(), 'tx-eval-'));
const params = join(run, 'params.safetensors');

beforeAll(() => {
  expect(tx('train', QUICK, '--steps', '3', '--device', 'cpu', '--out', run).code).toBe(0);
}, spawning(1).timeout);

describe('tx eval', spawning(3), () => {
  test('nRMSE per step and its geometric mean; CSV, JSON and plots beside the parameters', () => {
    const r = tx('eval', QUICK, '-p', params, '--rollout', '30', '--up-to', '20');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`${QUICK}: 30-step rollouts on cpu (float64) from 10 freshly generated trajectories (the spec holds none out: test_trajectories 0); each metric's mean ± std over the 10 trajectories`);
    expect(lines[1]).toMatch(/^\s+step\s+nRMSE\s+nMAE\s+correlation$/);
    expect(lines.slice(2, 8).map((l) => l.trim().split(/\s+/)[0])).toEqual(['1', '2', '5', '10', '20', '30']);
    expect(r.out).toMatch(/\n\s+mean 1-20 {3}\S+/);
    expect(r.out).toMatch(/\n\s*gmean 1-20 {3}\S+/);
    expect(r.out).toContain(`wrote ${run}/{eval.csv, eval.json, eval-nRMSE.svg, eval-nMAE.svg, eval-correlation.svg}`);

    const json = JSON.parse(readFileSync(join(run, 'eval.json'), 'utf8'));
    expect(json).toMatchObject({ spec: QUICK, params, trajectories: 10, steps: 30, up_to: 20, notes: [] });
    const nrmse: number[] = json.metrics.nRMSE.mean;
    expect(nrmse).toHaveLength(30);
    expect(json.summary.gmean_mean_nRMSE).toBeCloseTo(Math.exp(nrmse.slice(0, 20).reduce((a, x) => a + Math.log(x), 0) / 20), 12);
    // The table prints the JSON's numbers, to 4 digits.
    expect(lines[2]).toContain(nrmse[0]!.toPrecision(4));
    expect(r.out).toContain(Number(json.summary.gmean_mean_nRMSE).toPrecision(4));

    const csv = readFileSync(join(run, 'eval.csv'), 'utf8').trim().split('\n');
    expect(csv[0]!.split(',').slice(0, 5)).toEqual(['step', 'nRMSE_mean', 'nRMSE_std', 'nRMSE_min', 'nRMSE_max']);
    expect(csv).toHaveLength(31);
    expect(Number(csv[30]!.split(',')[1])).toBe(nrmse[29]);
    // nRMSE on a log axis (decade labels), correlation on a linear one.
    const svg = (name: string) => readFileSync(join(run, `eval-${name}.svg`), 'utf8');
    expect(svg('nRMSE')).toMatch(/^<svg[^]*>1e0<[^]*<polyline [^]*<\/svg>\n$/);
    expect(svg('correlation')).not.toContain('>1e0<');
  });

  test('on the GPU: the float64 evaluation to 1e-4 relative', () => {
    const out = mkdtempSync(join(tmpdir(), 'tx-eval-gpu-'));
    const cpu = JSON.parse(tx('eval', QUICK, '-p', params, '--rollout', '100', '--json', '-o', out).out);
    const r = tx('eval', QUICK, '-p', params, '--rollout', '100', '--json', '-o', out, '--device', 'gpu');
    expect(r.code).toBe(0);
    const gpu = JSON.parse(r.out);
    for (const name of ['nRMSE', 'nMAE', 'correlation'])
      cpu.metrics[name].mean.forEach((x: number, t: number) => expect(Math.abs(gpu.metrics[name].mean[t] - x)).toBeLessThan(1e-4 * Math.abs(x)));
    expect(Math.abs(gpu.summary.gmean_mean_nRMSE / cpu.summary.gmean_mean_nRMSE - 1)).toBeLessThan(1e-4);
  });
});

describe('tx rollout', spawning(2), () => {
  test('one test trajectory as .npy [steps + 1, channels, points]', () => {
    const out = join(run, 'pred.npy');
    const r = tx('rollout', QUICK, '-p', params, '--trajectory', '2', '--steps', '12', '-o', out);
    expect(r).toMatchObject({ code: 0, out: `wrote ${out}: [13, 1, 30], trajectory 2 of 10 freshly generated trajectories (the spec holds none out: test_trajectories 0), 12 steps on cpu\n` });
    const pred = readNpy(readFileSync(out), out);
    expect(pred.shape).toEqual([13, 1, 30]);
    // Step t is the learned two-point stencil applied t times: check step 1 from step 0.
    const w = readSafetensorsWeights();
    for (let j = 0; j < 30; j++) expect(pred.data[30 + j]).toBeCloseTo(w[0]! * pred.data[j]! + w[1]! * pred.data[(j + 1) % 30]!, 6);
    expect(tx('rollout', QUICK, '-p', params, '--trajectory', '10')).toMatchObject({ code: 1, err: 'error: --trajectory 10: there are 10 test trajectories (10 freshly generated trajectories (the spec holds none out: test_trajectories 0))\n  hint: choose 0 to 9\n' });
  });
});

describe('mistakes: a message and exit 1, never a stack trace', spawning(4), () => {
  test("parameters of another network, or of another shape", () => {
    const lorenz = join(run, 'lorenz.json');
    expect(tx('params', 'specs/lorenz/mlp.tx', '-o', lorenz).code).toBe(0);
    const a = tx('eval', QUICK, '-p', lorenz);
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/^error: .*lorenz\.json: unknown parameter '[^']+'/);
    const wrong = join(run, 'wrong.safetensors');
    writeFileSync(wrong, safetensors(new Map([['layers.0.weight', { shape: [1, 1, 3], data: Float64Array.of(1, 2, 3) }]])));
    const b = tx('rollout', QUICK, '-p', wrong);
    expect(b).toMatchObject({ code: 1, err: `error: ${wrong}: 'layers.0.weight' has shape [1, 1, 3], but the emulator needs [1, 1, 2]\n  hint: this emulator has: layers.0.weight [1, 1, 2]\n` });
    for (const r of [a, b]) expect(r.err).not.toMatch(STACK);
  });

  test('an unknown metric, and a rollout longer than a data file', () => {
    const m = tx('eval', QUICK, '-p', params, '--metrics', 'nRMSE,nrmsq');
    expect(m.code).toBe(1);
    expect(m.err).toMatch(/^error: unknown metric 'nrmsq'\n {2}hint: did you mean 'nRMSE'\? the metrics are MAE, nMAE, /);
    expect(tx('eval', QUICK, '-p', params, '--metrics', ',')).toMatchObject({ code: 1, err: 'error: --metrics: no metric given\n  hint: e.g. --metrics nRMSE,correlation\n' });
    const dir = mkdtempSync(join(tmpdir(), 'tx-eval-file-'));
    writeFileSync(join(dir, 'd.json'), JSON.stringify({ shape: [3, 8, 1, 30], data: Array.from({ length: 720 }, (_, k) => Math.sin(k / 5)) }));
    writeFileSync(join(dir, 'spec.tx'), readFileSync(QUICK, 'utf8').replace(/^data .*$/m, 'data file "d.json" { test_trajectories 1 }'));
    const f = tx('eval', join(dir, 'spec.tx'), '-p', params, '--rollout', '8');
    expect(f).toMatchObject({ code: 1, err: "error: a rollout of 8 steps needs reference trajectories of 9 snapshots, but the data file's have 8\n  hint: roll out at most 7 steps\n" });
  });
});

/** The two weights the quickstart's run saved (float32 in the file). */
function readSafetensorsWeights(): number[] {
  const json = JSON.parse(readFileSync(join(run, 'params.json'), 'utf8'));
  return json['layers.0.weight'].data;
}
