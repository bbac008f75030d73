// The driver's API (src/driver/) beyond what the CLI, page and bench tests
// exercise through it: the checkpoint key never changes (saved runs must
// resume), and the one end-of-run summary says the terminal's and the page's
// words for every way a run ends.
import { describe, expect, test } from 'vitest';
import { checkSpec } from '../../src/driver/check.js';
import { UserError } from '../../src/util/diagnostics.js';
import { withSteps } from '../../src/driver/run.js';
import { summary } from '../../src/driver/summary.js';
import type { TrainResult } from '../../src/train/trainer.js';
import { TINY, specRun, tinyRun, trainRun } from '../train/helpers.js';

describe('the checkpoint key', () => {
  test('is the digest checkpoints were saved with: the same run, whatever its length', () => {
    expect(tinyRun().key).toBe('0fda488e2f8f1924c8c395a3c4c5be600612e644daea73e7c7e0929b38abf7b6');
    expect(tinyRun(TINY, { steps: 7, seedOffset: 2 }).key).toBe('308bdb4bfa86ece191047a5ad024b2727e0af72b8535e2e8286834bce63d910d');
    expect(tinyRun(TINY, { seedOffset: 2 }).key).toBe('308bdb4bfa86ece191047a5ad024b2727e0af72b8535e2e8286834bce63d910d');
    expect(withSteps(tinyRun(), 30).key).toBe(tinyRun().key);
    expect(specRun('specs/quickstart/rollout5.tx').key).toBe('84ba8ebd20703ff4842326ddcbd7993fb250597856adf92a8fb7984954f7d73e');
  });
});

describe('checkSpec', () => {
  const src = 'data file "runs/a.npy" { test_trajectories 2 }\nemulator conv1d { channels 1 -> 1  kernel 2 }\nconfig supervised rollout 1\n';

  test('a data file that cannot be read is a diagnostic at the data statement; none yet, a spec that waits', () => {
    const unreadable = checkSpec(src, 'spec.tx', () => {
      throw new UserError('cannot read runs/a.npy: no such file');
    });
    expect(unreadable).toMatchObject({ programs: [], diagnostics: [{ severity: 'error', line: 1, column: 1, message: 'cannot read runs/a.npy: no such file' }] });
    expect(unreadable.needsFile).toBeUndefined();
    expect(checkSpec(src, 'spec.tx')).toEqual({ spec: expect.anything(), diagnostics: [], programs: [], needsFile: 'runs/a.npy' });
    expect(checkSpec(src, 'spec.tx', () => [1, 30]).programs).toHaveLength(1);
    // Anything but a UserError is a bug, not the user's file.
    expect(() => checkSpec(src, 'spec.tx', () => { throw new TypeError('bug'); })).toThrow('bug');
  });
});

describe('the end-of-run summary, in the terminal (a folder) and the page (downloads)', () => {
  const run = tinyRun();
  const opts = { file: 'tiny.tx', device: 'cpu', seconds: 1.5 };

  test('a finished run: trained, its loss, evaluated; the terminal says where the files are', async () => {
    const result = await trainRun(run);
    const page = summary(run, result, opts);
    const cli = summary(run, result, { ...opts, out: 'out/tiny' });
    expect(page.lines[0]).toBe('trained tiny.tx (config main: supervised rollout 2) on cpu: 10 steps in 1.5 s');
    expect(page.lines[1]).toMatch(/^loss \S+ at step 9 \(epoch 3\)$/);
    expect(cli.lines).toEqual([...page.lines.slice(0, 2), 'wrote out/tiny/{loss.csv, params.json, params.safetensors, loss.svg, checkpoint.json, evaluation.json}', ...page.lines.slice(2)]);
    expect(page.evaluation).toEqual(cli.evaluation);
    expect(page.fields).toBeUndefined(); // a 1-D state: no field figure, and no fields.svg in the folder's list
    expect(page.error).toBeUndefined();
    // A resumed run counts the steps of this session only.
    expect(summary(run, result, { ...opts, start: 4 }).lines[0]).toContain('on cpu: 6 steps in');
  });

  test('stopped: the terminal saved a checkpoint, the page offers the parameters', async () => {
    let n = 0;
    const result = await trainRun(run, { stopRequested: () => n++ === 3 });
    expect(result.outcome.status).toBe('interrupted');
    expect(summary(run, result, { ...opts, out: 'o' }).lines.at(-1)).toBe('interrupted at step 3 of 10; checkpoint saved in o (continue with --resume)');
    expect(summary(run, result, opts).lines.at(-1)).toBe('stopped at step 3 of 10; the parameters of that step can be downloaded');
  });

  test('a non-finite loss: an error with a hint, and no evaluation', async () => {
    const done = await trainRun(run);
    const nonfinite = (recovered: boolean): TrainResult => ({ ...done, outcome: { status: 'nonfinite', step: 5, loss: NaN, recovered } });
    const cli = summary(run, nonfinite(true), { ...opts, out: 'o' });
    expect(cli.error).toBe('error: the loss is NaN at step 5; training stopped. Saved the parameters of step 4, the last with a finite loss, in o\n  hint: lower the learning rate (lr 0.01)');
    expect(cli.evaluation).toBeUndefined();
    expect(summary(run, nonfinite(true), opts).error).toBe('error: the loss is NaN at step 5; training stopped. Kept the parameters of step 4, the last with a finite loss\n  hint: lower the learning rate (lr 0.01)');
    expect(summary(run, nonfinite(false), { ...opts, out: 'o' }).error).toContain('Saved the parameters (no earlier ones exist) in o');
  });
});
