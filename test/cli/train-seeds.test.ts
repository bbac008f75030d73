// `tx train` with several seeds: one program trains them (test/gpu/ensemble.test.ts
// checks that each member equals its single run), each into OUT/seed-<s> as a
// single run writes its folder, with OUT/seeds.csv across them; --resume
// continues each from its checkpoint.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { spawning } from '../budgets.js';

const dir = mkdtempSync(join(tmpdir(), 'tx-seeds-'));
const spec = (seeds: string) => `data advection1d { points 16  trajectories 4  snapshots 6  modes 3  test_trajectories 1 }
emulator conv1d { channels 1 -> 1  kernel 3  seed 7 }
config supervised rollout 2
train { steps 30  batch 2  seed 3${seeds} }
`;
const SPEC = join(dir, 'seeds.tx');
writeFileSync(SPEC, spec('  seeds 3'));
/** Member 1 as a single run: each seed one more. */
const SECOND = join(dir, 'second.tx');
writeFileSync(SECOND, spec('').replace('seed 7', 'seed 8').replace('seed 3', 'seed 4'));

function tx(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/tx.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const read = (...p: string[]) => readFileSync(join(...p), 'utf8');

describe('tx train, several seeds', spawning(5), () => {
  test('seeds 3 in the train block: a folder per seed, a table across them; member 1 is the run with each seed one more', () => {
    const out = join(dir, 'three');
    const r = tx('train', SPEC, '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('trained 3 seeds of');
    expect(r.out).toMatch(/over the 3 finished seeds: loss [\d.e+-]+ ± /);
    const csv = read(out, 'seeds.csv').trim().split('\n');
    expect(csv[0]).toBe('seed,status,step,loss,nrmse_1');
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['0,done,30', '1,done,30', '2,done,30']);
    const single = join(dir, 'second');
    expect(tx('train', SECOND, '--out', single).code).toBe(0);
    expect(read(out, 'seed-1', 'loss.csv')).toBe(read(single, 'loss.csv'));
    expect(read(out, 'seed-0', 'loss.csv')).not.toBe(read(single, 'loss.csv'));
  });

  test("seeds.csv names each nRMSE column by its rollout step, and holds that step's value from each seed's evaluation", () => {
    const out = join(dir, 'steps');
    const file = join(dir, 'twelve.tx');
    // 12 snapshots: the evaluation's rollout steps 1 and 10 fit, 50 does not.
    writeFileSync(file, spec('  seeds 2').replace('snapshots 6', 'snapshots 12').replace('steps 30', 'steps 4'));
    const r = tx('train', file, '--device', 'cpu', '--out', out);
    expect(r.code, r.err).toBe(0);
    const [head, ...rows] = read(out, 'seeds.csv').trim().split('\n');
    expect(head).toBe('seed,status,step,loss,nrmse_1,nrmse_10');
    for (const [s, row] of rows.entries()) {
      const { nrmse } = JSON.parse(read(out, `seed-${s}`, 'evaluation.json')) as { nrmse: { step: number; value: number }[] };
      expect(row.split(',').slice(4).map(Number)).toEqual([1, 10].map((k) => nrmse.find((x) => x.step === k)!.value));
    }
  });

  test('--seeds overrides the block; --resume --steps extends every seed from its checkpoint', () => {
    const out = join(dir, 'two');
    expect(tx('train', SPEC, '--seeds', '2', '--steps', '20', '--out', out).code).toBe(0);
    const r = tx('train', SPEC, '--seeds', '2', '--steps', '30', '--resume', '--out', out);
    expect(r.code, r.err).toBe(0);
    const whole = join(dir, 'whole');
    expect(tx('train', SPEC, '--seeds', '2', '--out', whole).code).toBe(0);
    for (const s of ['seed-0', 'seed-1']) expect(read(out, s, 'loss.csv')).toBe(read(whole, s, 'loss.csv'));
  });

  test('--resume as for one run: a plain one finishes the steps asked for; past a cosine schedule it is refused', () => {
    const out = join(dir, 'cosine');
    const file = join(dir, 'cosine.tx');
    writeFileSync(file, spec('  seeds 2').replace('steps 30', 'schedule cosine  steps 30'));
    expect(tx('train', file, '--steps', '4', '--out', out).code).toBe(0);
    expect(tx('train', file, '--resume', '--out', out)).toMatchObject({ code: 0, out: expect.stringContaining('the 2 seeds in') });
    expect(tx('train', file, '--resume', '--steps', '6', '--out', out)).toMatchObject({
      code: 1,
      err: expect.stringContaining("the cosine schedule spans the first run's 4 steps, and its learning rate is 0 past them"),
    });
  });
});
