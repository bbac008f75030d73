// `tx study` as a user runs it, on tiny 1-D specs on the CPU: the grid's
// folders and tables, finished seeds skipped, a killed run resumed from its
// checkpoint, a diverging cell reported while the others finish, a foreign
// results folder refused, and the SLURM job array's script and states (with
// stand-ins; study-slurm.test.ts submits to a real SLURM).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { spawning } from '../budgets.js';

function tx(...args: string[]) {
  return txWith(process.env, ...args);
}

function txWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/tx.js', ...args], { encoding: 'utf8', env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const SPEC = (train: string, study: string) => `
data advection1d { points 8  trajectories 3  snapshots 8  cfl -0.5  modes 2  seed 1  test_trajectories 2 }
emulator linear = conv1d { channels 1 -> 1  kernel 2  bias false  seed 3 }
emulator deep = conv1d { channels 1 -> 2 -> 1  kernel 3  seed 4 }
config one_step = supervised rollout 1
config two = supervised rollout 2
train { ${train} }
study grid {
  vary emulator [linear, deep]
  vary config [one_step, two]
  ${study}
  report nRMSE geometric_mean up to 5
}
`;

function setup(train = 'lr 1e-2  steps 20  batch 4  seed 5', study = 'vary lr [1e-2, 3e-3]\n  seeds 2') {
  const dir = mkdtempSync(join(tmpdir(), 'tx-study-'));
  const file = join(dir, 'grid.tx');
  writeFileSync(file, SPEC(train, study));
  return { dir, file, out: join(dir, 'results') };
}

const CELL0 = 'emulator=linear,config=one_step,lr=1e-2';

function mtimes(out: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const cell of readdirSync(out)) {
    for (const seed of existsSync(join(out, cell, 'seed-0')) ? readdirSync(join(out, cell)).filter((s) => s.startsWith('seed-')) : []) {
      const r = join(out, cell, seed, 'result.json');
      if (existsSync(r)) m.set(`${cell}/${seed}`, statSync(r).mtimeMs);
    }
  }
  return m;
}

describe('tx study', () => {
  test('a 2 × 2 × 2 study: every cell × seed run, one table row per cell; a rerun skips them all', spawning(4), () => {
    const { file, out } = setup();
    const r = tx('study', file, '--out', out, '--device', 'cpu');
    expect(r.code, r.err).toBe(0);
    const md = readFileSync(join(out, 'table.md'), 'utf8');
    const rows = md.split('\n').filter((l) => /^\| \d/.test(l));
    expect(rows).toHaveLength(8);
    expect(rows[0]).toMatch(/^\| 0 \| linear \| one_step \| 1e-2 \| 2\/2 \| [\d.]+ ± [\d.e-]+ \| [\d.]+ \|/);
    expect(rows[7]).toMatch(/^\| 7 \| deep \| two \| 3e-3 \| 2\/2 \|/);
    expect(r.out).toContain(md);
    const csv = readFileSync(join(out, 'table.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('cell,name,emulator,config,lr,seeds_done,seeds_failed,mean,std,median,min,max,values');
    expect(csv).toHaveLength(9);
    expect(csv[1]).toMatch(new RegExp(`^0,"${CELL0}",linear,one_step,1e-2,2,0,`));
    for (const f of ['strip.svg', 'study.json', `${CELL0}/curve.svg`, `${CELL0}/seed-1/params.safetensors`, `${CELL0}/seed-1/eval.csv`, `${CELL0}/seed-1/checkpoint.json`])
      expect(existsSync(join(out, f)), f).toBe(true);
    // Seed s adds s to the emulator's and the train block's seeds: the two seeds differ.
    const seeds = [0, 1].map((s) => readFileSync(join(out, CELL0, `seed-${s}`, 'loss.csv'), 'utf8'));
    expect(seeds[0]).not.toBe(seeds[1]);

    const before = mtimes(out);
    expect(before.size).toBe(16);
    const again = tx('study', file, '--out', out, '--device', 'cpu');
    expect(again.code).toBe(0);
    expect(again.err.match(/finished, skipped/g)).toHaveLength(8);
    expect(mtimes(out)).toEqual(before);
    expect(tx('study', file, '--out', out, '--status').out).toContain('16/16 runs finished');
  });

  test('one cell at a time (as a SLURM task runs it), then the rest without redoing it', spawning(4), () => {
    const { file, out } = setup();
    expect(tx('study', file, '--out', out, '--device', 'cpu', '--cell', '0').code).toBe(0);
    const first = mtimes(out);
    expect([...first.keys()]).toEqual([`${CELL0}/seed-0`, `${CELL0}/seed-1`]);
    const status = tx('study', file, '--out', out, '--status').out;
    expect(status).toContain(`0 ${CELL0}: 2/2 seeds finished`);
    expect(status).toContain('1 emulator=linear,config=one_step,lr=3e-3: 0/2 seeds finished; seed 0: not started; seed 1: not started');
    const rest = tx('study', file, '--out', out, '--device', 'cpu');
    expect(rest.code).toBe(0);
    expect(rest.err).toContain(`cell 0 ${CELL0}: finished, skipped`);
    const all = mtimes(out);
    expect(all.size).toBe(16);
    for (const [k, t] of first) expect(all.get(k)).toBe(t);
  });

  test('a run killed mid-training resumes from its checkpoint, and ends as an uninterrupted one', spawning(4), async () => {
    const slow = 'lr 1e-2  steps 3000  batch 4  seed 5';
    const a = setup(slow, 'seeds 1');
    const b = setup(slow, 'seeds 1');
    const seed0 = join(a.out, 'emulator=linear,config=one_step', 'seed-0');
    const child = spawn(process.execPath, ['bin/tx.js', 'study', a.file, '--out', a.out, '--device', 'cpu', '--cell', '0', '--checkpoint-every', '50'], { stdio: 'ignore' });
    const exited = new Promise((done) => child.on('exit', done));
    while (!existsSync(join(seed0, 'checkpoint.json')) && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(join(seed0, 'result.json'))).toBe(false);
    const step = (JSON.parse(readFileSync(join(seed0, 'checkpoint.json'), 'utf8')) as { step: number }).step;
    expect(step).toBeLessThan(3000);
    expect(tx('study', a.file, '--out', a.out, '--status').out).toContain(`seed 0: checkpoint at step ${step}, stopped while running`);
    expect(tx('study', a.file, '--out', a.out, '--device', 'cpu', '--cell', '0').code).toBe(0);
    expect(tx('study', b.file, '--out', b.out, '--device', 'cpu', '--cell', '0').code).toBe(0);
    const loss = (out: string) => readFileSync(join(out, 'emulator=linear,config=one_step', 'seed-0', 'loss.csv'), 'utf8');
    expect(loss(a.out)).toBe(loss(b.out));
  });

  test('Ctrl-C saves a checkpoint and the table so far, exits 130; the same command continues', spawning(3), async () => {
    const { file, out } = setup('lr 1e-2  steps 3000  batch 4  seed 5', 'seeds 1');
    const seed0 = join(out, 'emulator=linear,config=one_step', 'seed-0');
    const child = spawn(process.execPath, ['bin/tx.js', 'study', file, '--out', out, '--device', 'cpu', '--checkpoint-every', '50'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    while (!existsSync(join(seed0, 'checkpoint.json')) && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(err).toContain('interrupted in cell 0 emulator=linear,config=one_step; its checkpoint is saved: rerun the same command to continue');
    expect(readFileSync(join(out, 'table.md'), 'utf8')).toContain('| 0 | linear | one_step | 0/1 | — |');
    expect(tx('study', file, '--out', out, '--device', 'cpu', '--cell', '0').code).toBe(0);
    expect(existsSync(join(seed0, 'result.json'))).toBe(true);
  });

  test('a cell whose loss diverges is reported; every other cell finishes', spawning(2), () => {
    const { file, out } = setup('optimizer sgd  lr 1e-2  steps 40  batch 4  seed 5', 'vary lr [1e-2, 1e30]');
    const r = tx('study', file, '--out', out, '--device', 'cpu');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/emulator=linear,config=one_step,lr=1e30 seed 0 failed: the loss is (NaN|Infinity) at step \d+ \(lr 1e\+30\)/);
    expect(r.err).toContain('error: 4 runs failed');
    const rows = readFileSync(join(out, 'table.md'), 'utf8').split('\n').filter((l) => /^\| \d/.test(l));
    expect(rows.filter((l) => l.includes('| 1e-2 | 1/1 | ') && !l.includes('failed'))).toHaveLength(4);
    expect(rows.filter((l) => l.includes('| 1e30 | 1/1 | — |') && l.includes('seed 0: the loss is'))).toHaveLength(4);
    expect(tx('study', file, '--out', out, '--device', 'cpu').err.match(/finished, skipped/g)).toHaveLength(8);
  });

  test("a results folder written by a different spec is refused, and left as it was", spawning(3), () => {
    const { dir, file, out } = setup('lr 1e-2  steps 5  batch 4  seed 5', 'seeds 1');
    expect(tx('study', file, '--out', out, '--device', 'cpu', '--cell', '0').code).toBe(0);
    const before = mtimes(out);
    const other = join(dir, 'other.tx');
    writeFileSync(other, readFileSync(file, 'utf8').replace('steps 5', 'steps 6'));
    const r = tx('study', other, '--out', out, '--device', 'cpu');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`error: ${out} holds the results of a different spec: ${file} \\(study grid, sha256 [0-9a-f]{12}…\\), not ${other}`));
    expect(r.err).toContain('hint: nothing there was changed');
    expect(mtimes(out)).toEqual(before);
  });

  test("eval every N in a study: each seed's train-eval.csv beside tx eval's eval.csv, neither replacing the other", spawning(1), () => {
    const { file, out } = setup('lr 1e-2  steps 6  batch 4  seed 5  eval every 3', 'seeds 1');
    const r = tx('study', file, '--out', out, '--device', 'cpu', '--cell', '0');
    expect(r.code, r.err).toBe(0);
    const seed = join(out, 'emulator=linear,config=one_step', 'seed-0');
    expect(r.err).toMatch(/^emulator=linear,config=one_step seed 0: eval at step 3: test nRMSE step 1: \S+ {2}\(best so far\)$/m);
    // 8 snapshots: of the evaluation's rollout steps 1, 10 and 50, only 1 fits.
    const log = readFileSync(join(seed, 'train-eval.csv'), 'utf8').trimEnd().split('\n');
    expect(log[0]).toBe('step,nrmse_1,score');
    expect(log.slice(1).map((l) => l.split(',')[0])).toEqual(['3', '6']);
    expect(existsSync(join(seed, 'params-best.safetensors'))).toBe(true);
    // The report's 5 steps.
    const table = readFileSync(join(seed, 'eval.csv'), 'utf8').trimEnd().split('\n');
    expect(table[0]).toBe('step,nRMSE_mean,nRMSE_std,nRMSE_min,nRMSE_max');
    expect(table).toHaveLength(6);
  });

  test("a report longer than a data file's trajectories is refused before anything trains", spawning(1), () => {
    const { dir, file, out } = setup('lr 1e-2  steps 5  batch 4  seed 5', 'seeds 1');
    writeFileSync(join(dir, 'd.json'), JSON.stringify({ shape: [3, 4, 1, 8], data: Array.from({ length: 96 }, (_, i) => Math.sin(i)) }));
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^data .*$/m, 'data file "d.json" { test_trajectories 1 }'));
    const r = tx('study', file, '--out', out, '--device', 'cpu');
    expect(r.code).toBe(1);
    expect(r.err).toContain("error: a rollout of 5 steps needs reference trajectories of 6 snapshots, but the data file's have 4");
    expect(existsSync(out)).toBe(false);
  });

  test('--slurm --dry-run prints one job array over the unfinished cells', spawning(5), () => {
    const { file, out } = setup('lr 1e-2  steps 5  batch 4  seed 5', 'seeds 1');
    const all = tx('study', file, '--out', out, '--slurm', '--dry-run', '--partition', 'gpu', '--time', '0:30:00');
    expect(all.code, all.err).toBe(0);
    expect(all.out).toContain('#SBATCH --array=0-3\n');
    expect(all.out).toContain('#SBATCH --partition=gpu\n#');
    expect(all.out).toContain('#SBATCH --time=0:30:00\n');
    expect(all.out).toContain('#SBATCH --gpus-per-task=1\n');
    expect(all.out).toMatch(new RegExp(`bin/tx.js study ${file} --out ${out} --cell "\\$SLURM_ARRAY_TASK_ID" --device gpu --eval-device cpu --checkpoint-every 100\\n$`));
    // A task on the CPU asks for no GPU, and neither does one given --gpus-per-task 0.
    const cpu = tx('study', file, '--out', out, '--slurm', '--dry-run', '--device', 'cpu', '--eval-device', 'gpu', '--checkpoint-every', '7');
    expect(cpu.out).not.toContain('--gpus-per-task');
    expect(cpu.out).toMatch(/ --device cpu --eval-device gpu --checkpoint-every 7\n$/);
    expect(tx('study', file, '--out', out, '--slurm', '--dry-run', '--gpus-per-task', '0').out).not.toContain('--gpus-per-task');
    expect(existsSync(out)).toBe(false);
    expect(tx('study', file, '--out', out, '--device', 'cpu', '--cell', '1').code).toBe(0);
    expect(tx('study', file, '--out', out, '--slurm', '--dry-run').out).toContain('#SBATCH --array=0,2-3\n');
  });

  test('--slurm submits the script with sbatch and prints the job id; --status gives each cell its task from sacct, else squeue', spawning(4), () => {
    const { dir, file, out } = setup('lr 1e-2  steps 5  batch 4  seed 5', 'seeds 1');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    // Stand-ins that record how they were called; the real ones run in study-slurm.test.ts.
    const standIn = (name: string, body: string) => writeFileSync(join(bin, name), `#!/bin/sh\necho "$@" >> ${dir}/${name}-args\n${body}\n`, { mode: 0o755 });
    standIn('sbatch', 'echo "4242;cluster"');
    standIn('sacct', 'echo "sacct: error: Slurm accounting storage is disabled" >&2; exit 1');
    standIn('squeue', "printf '%s\\n' '4242_1|RUNNING' '4242_[2-3%2]|PENDING'");
    const env = { ...process.env, PATH: `${bin}:${process.env['PATH']}` };
    const r = txWith(env, 'study', file, '--out', out, '--slurm', '--sbatch', '--account=a  --qos=q');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^submitted job 4242: cells 0-3 \(.*slurm\/study-\d+\.sbatch\)\n$/);
    expect(readFileSync(join(dir, 'sbatch-args'), 'utf8')).toMatch(/^--parsable --account=a --qos=q .*\.sbatch\n$/);
    expect(readFileSync(join(out, 'slurm', 'jobs'), 'utf8')).toBe('4242\n');
    const st = txWith(env, 'study', file, '--out', out, '--status');
    expect(st.out).toContain('0 emulator=linear,config=one_step: 0/1 seeds finished; seed 0: not started\n');
    expect(st.out).toContain('1 emulator=linear,config=two: 0/1 seeds finished; seed 0: not started; slurm task 4242_1: running\n');
    expect(st.out).toContain('3 emulator=deep,config=two: 0/1 seeds finished; seed 0: not started; slurm task 4242_3: pending\n');
    expect(st.out).toContain('0/4 runs finished\nslurm jobs 4242: states from squeue (sacct: sacct: error: Slurm accounting storage is disabled)\n');
    expect(readFileSync(join(dir, 'sacct-args'), 'utf8')).toBe('-X -n -P -j 4242 -o JobID,State\n');
    expect(readFileSync(join(dir, 'squeue-args'), 'utf8')).toBe('-h -t all -j 4242 -o %i|%T\n');

    // A second job for cell 3: its task is the one shown, and sacct's answers come before squeue's.
    writeFileSync(join(out, 'slurm', 'jobs'), '4242\n4300\n');
    standIn('sacct', "printf '%s\\n' '4242_0|COMPLETED' '4242_1|FAILED' '4242_2|TIMEOUT' '4242_3|CANCELLED by 0'");
    standIn('squeue', 'echo "${5}_3|PENDING"');
    const again = txWith(env, 'study', file, '--out', out, '--status').out;
    expect(again).toContain('slurm task 4242_0: completed\n');
    expect(again).toContain('slurm task 4242_1: failed\n');
    expect(again).toContain('slurm task 4242_2: timeout\n');
    expect(again).toContain('slurm task 4300_3: pending\n');
    expect(again).toContain('slurm jobs 4242, 4300: states from sacct and squeue\n');
  });
});
