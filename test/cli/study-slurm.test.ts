// `tx study --slurm` through a real SLURM: the one-node cluster of
// scripts/local-slurm.sh (which `npm test`'s setup starts where it runs as
// root). A 4-cell study is submitted as a job array, one task is cancelled
// mid-training, `--status` is read from sacct, the resubmission runs only that
// cell, resumed from its checkpoint, and the table equals a local run's, bit
// for bit: both train on the GPU with the same kernels, and a resumed run's
// state is the uninterrupted one's. Where no SLURM answers, the test skips and
// says why.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { compiling } from '../budgets.js';

const STATE = process.env['TXC_SLURM_DIR'] ?? '/tmp/txc-slurm';
const env = { ...process.env, SLURM_CONF: join(STATE, 'slurm.conf') };

function run(cmd: string, ...args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, timeout: 300_000 });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? r.error?.message ?? '' };
}
const tx = (...args: string[]) => run(process.execPath, 'bin/tx.js', ...args);

/** Why this machine's SLURM cannot take the test's jobs; undefined when it can. */
function unavailable(): string | undefined {
  const said = existsSync(join(STATE, 'unavailable')) ? readFileSync(join(STATE, 'unavailable'), 'utf8').trim() : undefined;
  const fix = `'sudo scripts/local-slurm.sh up' starts one, as npm test's setup does when run as root`;
  // Without its file sinfo retries for a minute before it says so.
  if (!existsSync(env.SLURM_CONF)) return `no local SLURM (${said ?? `no ${env.SLURM_CONF}`}); ${fix}`;
  const node = run('sinfo', '-h', '-o', '%T');
  if (node.code === 0 && /^(idle|mixed|allocated)/.test(node.out)) return undefined;
  return `no local SLURM (${said ?? `sinfo: ${(node.err || node.out).trim().split('\n').pop() || 'no node'}`}); ${fix}`;
}

// 600 steps give the cancel several seconds to land after the first checkpoints.
const SPEC = `
data advection1d { points 30  trajectories 20  snapshots 100  cfl -0.75  modes 5  seed 0  test_trajectories 5 }
emulator stencil = conv1d { channels 1 -> 1  kernel 2  padding circular  bias false  seed 73 }
emulator resnet = resnet { width 8  blocks 2  kernel 3  activation relu  seed 0 }
config one_step = supervised rollout 1
config unrolled = supervised rollout 5
train { optimizer adam  lr 1e-2  steps 600  batch 32  seed 42 }
study archs_vs_configs {
  vary emulator [stencil, resnet]
  vary config   [one_step, unrolled]
  seeds 1
  report nRMSE geometric_mean up to 50
}
`;
const CELLS = ['emulator=stencil,config=one_step', 'emulator=stencil,config=unrolled', 'emulator=resnet,config=one_step', 'emulator=resnet,config=unrolled'];
const KILLED = 3;

const jobs: string[] = [];
afterAll(() => {
  if (jobs.length) run('scancel', ...jobs);
});

async function until(what: string, ok: () => boolean, seconds: number): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > seconds * 1000) throw new Error(`waited ${seconds} s for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ended = (job: string) => run('squeue', '-h', '-j', job).out.trim() === '';

function submit(file: string, out: string): { job: string; out: string } {
  // The node declares no GPU (SLURM counts only GPUs with a device file); lavapipe needs none.
  const r = tx('study', file, '--out', out, '--slurm', '--gpus-per-task', '0', '--checkpoint-every', '50', '--time', '0:20:00');
  expect(r.code, r.err).toBe(0);
  const job = /^submitted job (\d+):/.exec(r.out)?.[1];
  expect(job, r.out).toBeDefined();
  jobs.push(job!);
  return { job: job!, out: r.out };
}

describe('tx study --slurm on a one-node SLURM', () => {
  // Nine GPU programs: four tasks, the resumed one, and the local run's four cells.
  test('a task cancelled mid-training is resubmitted alone, resumes from its checkpoint; the table equals a local run', compiling(9), async (ctx) => {
    const why = unavailable();
    if (why) {
      console.warn(`skipped: ${why}`);
      ctx.skip(why);
    }
    const dir = mkdtempSync(join(tmpdir(), 'tx-slurm-'));
    const file = join(dir, 'archs.tx');
    writeFileSync(file, SPEC);
    const out = join(dir, 'slurm-results');
    const seed = (cell: number, f: string, o = out) => join(o, CELLS[cell]!, 'seed-0', f);

    const first = submit(file, out);
    expect(first.out).toContain(': cells 0-3 (');
    const checkpointStep = () => (existsSync(seed(KILLED, 'checkpoint.json')) ? (JSON.parse(readFileSync(seed(KILLED, 'checkpoint.json'), 'utf8')) as { step: number }).step : 0);
    // Past step 60, the first a fresh run's log reports: the resumed log must start later.
    await until(`cell ${KILLED}'s checkpoint at step 100`, () => checkpointStep() >= 100 || ended(first.job), 240);
    // Stopped there, so that the cancel never comes after the cell ends, however fast the machine.
    const owner = JSON.parse(readFileSync(seed(KILLED, '.tx-lock'), 'utf8')) as { pid: number };
    process.kill(owner.pid, 'SIGSTOP');
    expect(run('scancel', `${first.job}_${KILLED}`).code).toBe(0);
    await until(`job ${first.job} to end`, () => ended(first.job), 240);
    const killedAt = checkpointStep();
    expect(existsSync(seed(KILLED, 'result.json')), 'the cancel came after the cell finished').toBe(false);
    expect(killedAt).toBeGreaterThanOrEqual(100);
    expect(killedAt).toBeLessThan(600);

    const status = tx('study', file, '--out', out, '--status');
    expect(status.code, status.err).toBe(0);
    for (const k of [0, 1, 2]) expect(status.out).toContain(`${k} ${CELLS[k]}: 1/1 seeds finished; slurm task ${first.job}_${k}: completed\n`);
    // The cancel's SIGTERM stopped the task between two steps, with a checkpoint there (src/cli/signals.ts).
    expect(status.out).toContain(`${KILLED} ${CELLS[KILLED]}: 0/1 seeds finished; seed 0: checkpoint at step ${killedAt}; slurm task ${first.job}_${KILLED}: cancelled\n`);
    expect(status.out).toContain(`3/4 runs finished\nslurm jobs ${first.job}: states from sacct\n`);

    const second = submit(file, out);
    expect(second.out).toContain(`: cells ${KILLED} (`);
    await until(`job ${second.job} to end`, () => ended(second.job), 240);
    const log = readFileSync(join(out, 'slurm', `${second.job}_${KILLED}.out`), 'utf8');
    const firstLine = /(\d+)\/600 steps/.exec(log);
    expect(firstLine, log).not.toBeNull();
    expect(Number(firstLine![1])).toBeGreaterThan(killedAt);

    const done = tx('study', file, '--out', out, '--status');
    expect(done.out).toContain(`${KILLED} ${CELLS[KILLED]}: 1/1 seeds finished; slurm task ${second.job}_${KILLED}: completed\n`);
    expect(done.out).toContain(`4/4 runs finished\nslurm jobs ${first.job}, ${second.job}: states from sacct\n`);

    const local = join(dir, 'local-results');
    const r = tx('study', file, '--out', local, '--checkpoint-every', '50');
    expect(r.code, r.err).toBe(0);
    // Every task rewrites the tables from all finished cells; the last one's are the whole study's.
    expect(readFileSync(join(out, 'table.csv'), 'utf8')).toBe(readFileSync(join(local, 'table.csv'), 'utf8'));
    expect(readFileSync(join(out, 'table.md'), 'utf8')).toBe(readFileSync(join(local, 'table.md'), 'utf8'));
    for (let k = 0; k < 4; k++) {
      expect(readFileSync(seed(k, 'loss.csv')), `cell ${k} loss.csv`).toEqual(readFileSync(seed(k, 'loss.csv', local)));
      expect(readFileSync(seed(k, 'params.safetensors')), `cell ${k} params`).toEqual(readFileSync(seed(k, 'params.safetensors', local)));
    }
  });
});
