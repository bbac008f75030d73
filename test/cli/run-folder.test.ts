// One run folder, two evaluations: `tx train`'s log of `eval every N` and
// `tx eval`'s table beside the parameters have different names, so neither
// replaces the other, and a resumed run appends to the log it had.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { spawning } from '../budgets.js';

const SPEC = `data advection1d { points 8  trajectories 3  snapshots 12  cfl -0.5  modes 2  seed 1 }
emulator conv1d { channels 1 -> 1  kernel 2  padding circular  bias false  seed 3 }
config supervised rollout 2
train { optimizer adam  lr 1e-2  steps 9  batch 4  seed 5  eval every 3 }
`;

function tx(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/tx.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function folder(): { file: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tx-run-folder-'));
  const file = join(dir, 'spec.tx');
  writeFileSync(file, SPEC);
  return { file, out: join(dir, 'run') };
}

const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n');
/** The evaluated steps of train-eval.csv, after checking its header. */
function logged(out: string): number[] {
  const [head, ...rows] = lines(join(out, 'train-eval.csv'));
  // 12 snapshots: rollout steps 1 and 10 fit, 50 does not.
  expect(head).toBe('step,nrmse_1,nrmse_10,score');
  return rows.map((r) => Number(r.split(',')[0]));
}

describe('a run folder with eval every N, then tx eval, then --resume', spawning(5), () => {
  test("tx eval's eval.csv beside train-eval.csv; the resumed run keeps every evaluation", () => {
    const { file, out } = folder();
    expect(tx('train', file, '--device', 'cpu', '--out', out, '--steps', '6').code).toBe(0);
    expect(logged(out)).toEqual([3, 6]);
    const before = readFileSync(join(out, 'train-eval.csv'), 'utf8');

    const e = tx('eval', file, '-p', join(out, 'params.safetensors'), '--rollout', '4');
    expect(e.code, e.err).toBe(0);
    expect(readFileSync(join(out, 'train-eval.csv'), 'utf8')).toBe(before);
    const table = lines(join(out, 'eval.csv'));
    expect(table[0]!.split(',').slice(0, 2)).toEqual(['step', 'nRMSE_mean']);
    expect(table).toHaveLength(5);

    const r = tx('train', file, '--device', 'cpu', '--out', out, '--resume', '--steps', '9');
    expect(r.code, r.err).toBe(0);
    expect(logged(out)).toEqual([3, 6, 9]);
    expect(readFileSync(join(out, 'train-eval.csv'), 'utf8').startsWith(before)).toBe(true);
    expect(lines(join(out, 'eval.csv'))).toEqual(table);
  });

  test('a folder whose log is still eval.csv (written before train-eval.csv) resumes with its evaluations', () => {
    const { file, out } = folder();
    expect(tx('train', file, '--device', 'cpu', '--out', out, '--steps', '6').code).toBe(0);
    renameSync(join(out, 'train-eval.csv'), join(out, 'eval.csv'));
    expect(tx('train', file, '--device', 'cpu', '--out', out, '--resume', '--steps', '9').code).toBe(0);
    expect(logged(out)).toEqual([3, 6, 9]);
  });
});
