// `tx train` and `tx quickstart` as a user runs them: files, exit codes,
// Ctrl-C and --resume.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { viridis } from '../../src/draw/viridis.js';
import { testSet } from '../../src/train/evaluate.js';
import { EVAL_FILES } from '../../src/train/periodic-eval.js';
import { FIELDS_FILE, RUN_FILES } from '../../src/train/run-files.js';
import { TINY, specRun, tinyRun, trainRun } from './helpers.js';
import { spawning } from '../budgets.js';

function tx(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/tx.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function specFile(source: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tx-train-cli-'));
  const file = join(dir, 'spec.tx');
  writeFileSync(file, source);
  return { dir, file };
}

const evalSteps = (dir: string) => readFileSync(join(dir, EVAL_FILES.log), 'utf8').trimEnd().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
const csvLosses = (dir: string) => readFileSync(join(dir, RUN_FILES.loss), 'utf8').trimEnd().split('\n').slice(1).map((l) => Number(l.split(',')[2]));

describe('tx train', spawning(10), () => {
  test('trains, writes the run folder, evaluates', () => {
    const { dir, file } = specFile(TINY);
    const out = join(dir, 'run');
    const r = tx('train', file, '--out', out, '--steps', '7');
    expect(r.code).toBe(0);
    expect(r.out).toContain('on gpu: 7 steps in');
    expect(r.out).toMatch(/rollout nRMSE .* on 10 freshly generated trajectories/);
    expect(r.out).toMatch(/\n  step 1: \S+\n/); // 6 snapshots: steps 10 and 50 do not fit
    expect(r.out).toMatch(/learned kernel \[.*\], upwind stencil \[1\+CFL, -CFL\] = \[0\.5000, 0\.5000\], distance/);
    for (const f of Object.values(RUN_FILES)) expect(existsSync(join(out, f))).toBe(true);
    expect(csvLosses(out)).toHaveLength(7);
    expect(r.err).toContain('7/7 steps'); // not a terminal: plain progress lines
    // Compiling has its own line and time; losses come back 10 steps at a time, so all 7 ran by then.
    expect(r.err).toMatch(/^compiling (\d+) kernels…\ncompiled \1 kernels in [\d.]+ s \(the first 7 steps included\)\n/m);
  });

  test('a 2-D spec: fields.svg beside the loss plot, a cell of its input panel the colour of its value', () => {
    const spec = 'specs/2d/supervised-one-step.tx';
    const out = join(mkdtempSync(join(tmpdir(), 'tx-train-cli-')), 'run');
    const r = tx('train', spec, '--out', out, '--steps', '3', '--device', 'cpu');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`evaluation.json, ${FIELDS_FILE}}`);
    const svg = readFileSync(join(out, FIELDS_FILE), 'utf8');
    const images = [...svg.matchAll(/<image [^>]*href="data:image\/png;base64,([^"]+)"/g)].map((m) => PNG.sync.read(Buffer.from(m[1]!, 'base64')));
    // One channel: the input, prediction and reference at steps 1 and 10 (12 snapshots), and the colour bar.
    expect(images).toHaveLength(6);
    // 12 × 12 cells of 10 pixels.
    expect(images.slice(0, 5).map((p) => [p.width, p.height])).toEqual(Array(5).fill([120, 120]));
    // The first test trajectory (generated: the spec holds none out); the row's range spans it at t = 0, 1 and 10.
    const run = specRun(spec);
    const data = testSet(run.spec.data!, run.dataset).data.data;
    const snapshot = (t: number) => data.subarray(t * 144, (t + 1) * 144);
    const truth = [0, 1, 10].flatMap((t) => [...snapshot(t)]);
    const [lo, hi] = [Math.min(...truth), Math.max(...truth)];
    const cell = (png: PNG, i: number, j: number) => {
      const k = 4 * ((i * 10 + 5) * 120 + j * 10 + 5);
      return [...png.data.subarray(k, k + 3)];
    };
    for (const [i, j] of [[0, 0], [4, 7], [11, 3]] as const) {
      expect(cell(images[0]!, i, j)).toEqual([...viridis((snapshot(0)[i * 12 + j]! - lo) / (hi - lo))]);
      expect(cell(images[4]!, i, j)).toEqual([...viridis((snapshot(10)[i * 12 + j]! - lo) / (hi - lo))]);
    }
  });

  test('a diverging run stops with exit 1 and says where', () => {
    const { dir, file } = specFile(TINY.replace('optimizer adam  lr 1e-2  steps 10', 'optimizer sgd  lr 1e4  steps 200'));
    const r = tx('train', file, '--out', join(dir, 'run'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error: the loss is (NaN|Infinity) at step (\d+); training stopped\. Saved the parameters of step \d+, the last with a finite loss/);
    expect(r.err).toContain('hint: lower the learning rate');
    expect(existsSync(join(dir, 'run', RUN_FILES.checkpoint))).toBe(true);
  });

  test('usage and input errors', () => {
    const { dir, file } = specFile(TINY);
    expect(tx('train', file, '--steps', '0').code).toBe(2);
    expect(tx('train', file, '--device', 'tpu').code).toBe(2);
    expect(tx('train', file, '--resume', '--out', join(dir, 'none'))).toMatchObject({ code: 1, err: expect.stringContaining('--resume: there is no checkpoint') });
    tx('train', file, '--out', join(dir, 'run'), '--steps', '3', '--device', 'cpu');
    const other = specFile(TINY.replace('lr 1e-2', 'lr 2e-2')).file;
    expect(tx('train', other, '--resume', '--out', join(dir, 'run'))).toMatchObject({ code: 1, err: expect.stringContaining('another run') });
    for (const c of ['train', 'quickstart']) expect(tx(c, '--help').code).toBe(0);
  });

  test('--resume --steps extends a finished run: its losses, then those of the uninterrupted longer run', async () => {
    const { dir, file } = specFile(TINY);
    const out = join(dir, 'run');
    expect(tx('train', file, '--device', 'cpu', '--out', out, '--steps', '4').code).toBe(0);
    const first = csvLosses(out);
    const r = tx('train', file, '--device', 'cpu', '--out', out, '--resume', '--steps', '7');
    expect(r.code).toBe(0);
    expect(r.out).toContain('on cpu: 3 steps in');
    expect(csvLosses(out).slice(0, 4)).toEqual(first);
    const whole = await trainRun(tinyRun(TINY, { steps: 7 }, file));
    expect(csvLosses(out)).toEqual(whole.history.map((h) => h.loss));
    // Finished already: said so, files untouched; fewer steps than trained: refused, with a hint.
    expect(tx('train', file, '--device', 'cpu', '--out', out, '--resume', '--steps', '7')).toMatchObject({ code: 0, out: expect.stringContaining('has trained its 7 steps already: nothing to do') });
    // A plain --resume continues to the steps the run was asked for (7), not the train block's (10).
    expect(tx('train', file, '--device', 'cpu', '--out', out, '--resume')).toMatchObject({ code: 0, out: expect.stringContaining('has trained its 7 steps already: nothing to do') });
    expect(existsSync(join(out, RUN_FILES.evaluation))).toBe(true);
    expect(tx('train', file, '--device', 'cpu', '--out', out, '--resume', '--steps', '5')).toMatchObject({
      code: 1,
      // After the line saying where the data came from.
      err: expect.stringMatching(/^data: [^\n]*\nerror: --resume: the run in .* has trained 7 steps, more than the 5 asked for \(by --steps, else the train block\)\n  hint: to extend it, ask for more: --resume --steps N with N > 7\n$/),
    });
  });

  test("--resume past a cosine schedule's end is refused: its rate is 0 there", () => {
    const { dir, file } = specFile(TINY.replace('steps 10', 'schedule cosine  steps 10'));
    const out = join(dir, 'run');
    expect(tx('train', file, '--device', 'cpu', '--out', out, '--steps', '2').code).toBe(0);
    expect(tx('train', file, '--device', 'cpu', '--out', out, '--resume', '--steps', '4')).toMatchObject({
      code: 1,
      err: expect.stringContaining("the cosine schedule spans the first run's 2 steps, and its learning rate is 0 past them"),
    });
  });

  test('clip_norm and eval every N on the GPU: the norms beside the loss, train-eval.csv, the best parameters kept', () => {
    const { dir, file } = specFile(TINY.replace('steps 10', 'clip_norm 1  steps 10  eval every 3'));
    const out = join(dir, 'run');
    const r = tx('train', file, '--out', out, '--steps', '7');
    expect(r.code).toBe(0);
    const [head, ...rows] = readFileSync(join(out, RUN_FILES.loss), 'utf8').trimEnd().split('\n');
    expect(head).toBe('step,epoch,loss,grad_norm,weight_norm');
    for (const row of rows) expect(row.split(',').map(Number).every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
    expect(r.err).toMatch(/^eval at step 3: test nRMSE step 1: \S+  \(best so far\)$/m);
    expect(evalSteps(out)).toEqual([3, 6]);
    expect(existsSync(join(out, EVAL_FILES.best))).toBe(true);
  });

  test("--resume --steps extends a warmup_cosine run past its horizon at its end rate, and refuses where that is 0", () => {
    const { dir, file } = specFile(TINY.replace('steps 10', 'schedule warmup_cosine { warmup 2  end 1e-3 }  steps 10  eval every 2'));
    const out = join(dir, 'run');
    expect(tx('train', file, '--device', 'cpu', '--out', out, '--steps', '6').code).toBe(0);
    const first = csvLosses(out);
    const r = tx('train', file, '--device', 'cpu', '--out', out, '--resume', '--steps', '9');
    expect(r.code).toBe(0);
    expect(r.err).toContain("note: the warmup_cosine schedule spans the first run's 6 steps; past them the learning rate stays at 0.001");
    expect(csvLosses(out).slice(0, 6)).toEqual(first);
    expect(evalSteps(out)).toEqual([2, 4, 6, 8]);
    const zero = specFile(TINY.replace('steps 10', 'schedule warmup_cosine { warmup 2 }  steps 10'));
    expect(tx('train', zero.file, '--device', 'cpu', '--out', join(zero.dir, 'run'), '--steps', '4').code).toBe(0);
    expect(tx('train', zero.file, '--device', 'cpu', '--out', join(zero.dir, 'run'), '--resume', '--steps', '6')).toMatchObject({
      code: 1,
      err: expect.stringContaining("the warmup_cosine schedule spans the first run's 4 steps, and its learning rate is 0 past them"),
    });
    // Fewer steps than the warm-up: refused before training.
    expect(tx('train', zero.file, '--device', 'cpu', '--out', join(zero.dir, 'short'), '--steps', '2')).toMatchObject({ code: 1, err: expect.stringContaining('warms up over 2 steps, but the run has 2') });
  });

  test('Ctrl-C saves a checkpoint and exits 130; --resume finishes the uninterrupted run exactly', async () => {
    // On the float64 executor, the reference here, and slow enough per step
    // (rollout 10, batch 32) to interrupt mid-run.
    const source = TINY.replace('points 8  trajectories 3  snapshots 6', 'points 30  trajectories 4  snapshots 30')
      .replace('rollout 2', 'rollout 10')
      .replace('steps 10  batch 4', 'steps 150  batch 32');
    const { dir, file } = specFile(source);
    const out = join(dir, 'run');
    const child = spawn(process.execPath, ['bin/tx.js', 'train', file, '--device', 'cpu', '--out', out, '--checkpoint-every', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    while (!existsSync(join(out, RUN_FILES.checkpoint))) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const stoppedAt = Number(stdout.match(/interrupted at step (\d+) of 150/)![1]);
    expect(stoppedAt).toBeLessThan(150);
    expect(csvLosses(out)).toHaveLength(stoppedAt);

    expect(tx('train', file, '--device', 'cpu', '--out', out, '--resume').code).toBe(0);
    const whole = await trainRun(tinyRun(source, {}, file));
    expect(csvLosses(out)).toEqual(whole.history.map((h) => h.loss));
  });
});
