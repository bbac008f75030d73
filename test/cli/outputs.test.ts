// Where results are written, as a careless or hostile user points them: a
// folder, a device, a link to standard output, a read-only or full disk, a
// folder another run is writing; and numeric options that are not numbers.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { UserError } from '../../src/util/diagnostics.js';
import { LOCK_FILE, lockFolder } from '../../src/util/lock.js';
import { tempPath, writeAtomic, writeOps } from '../../src/util/write.js';
import { TINY } from '../train/helpers.js';
import { spawning } from '../budgets.js';

const QUICK = 'specs/quickstart/rollout5.tx';
const STACK = /at .*\.(js|ts):\d+/;

function tx(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/tx.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const fresh = () => mkdtempSync(join(tmpdir(), 'tx-outputs-'));
const temps = (dir: string) => readdirSync(dir).filter((n) => /\.txc-\d+\.tmp$/.test(n));

/** A pid that was alive and is not any more. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('-o naming something that is not a file to create or replace', spawning(6), () => {
  test('a path through a file: an error, not a stack trace', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const r = tx('params', QUICK, '-o', join(dir, 'notes.txt', 'p.json'));
    expect(r).toMatchObject({ code: 1, err: `error: cannot write ${join(dir, 'notes.txt', 'p.json')}: a part of the path is a file, not a folder\n  hint: give the path of a file to create or replace\n` });
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });
  test('a folder: an error naming it, no temporary file left', () => {
    const dir = fresh();
    const r = tx('params', QUICK, '-o', dir);
    expect(r).toMatchObject({ code: 1, err: `error: cannot write ${dir}: it is a directory\n  hint: give the path of a file to create or replace; without -o/--output the result goes to standard output\n` });
    expect(readdirSync(dir)).toEqual([]);
  });
  test('a device is refused, not replaced by a regular file', () => {
    const r = tx('draw', QUICK, '-o', '/dev/full');
    expect(r.code).toBe(1);
    expect(r.err).toContain('error: cannot write /dev/full: it is a device, not a regular file');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });
  test('a link to /dev/null is refused and kept', () => {
    const dir = fresh();
    const out = join(dir, 'out.svg');
    symlinkSync('/dev/null', out);
    const r = tx('draw', QUICK, '-o', out);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`cannot write ${out}: it is a device`);
    expect(r.err).not.toMatch(STACK);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    expect(temps(dir)).toEqual([]);
  });
  test('a link to a regular file is written through, the link kept', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'real.json'), 'old');
    symlinkSync('real.json', join(dir, 'link.json'));
    expect(tx('params', QUICK, '-o', join(dir, 'link.json')).code).toBe(0);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'real.json'), 'utf8'))).toHaveProperty(['layers.0.weight', 'shape'], [1, 1, 2]);
  });
});

describe('a write that fails', spawning(6), () => {
  const saved = { ...writeOps };
  afterEach(() => Object.assign(writeOps, saved));
  test.each([
    ['EROFS', 'the file system is read-only'],
    ['ENOSPC', 'no space left on the device'],
  ])('%s: a UserError, and the temporary file is removed', (code, why) => {
    const dir = fresh();
    writeOps.writeFileSync = (path, data) => {
      saved.writeFileSync(path, String(data).slice(0, 3)); // half-written, then the disk fails
      throw Object.assign(new Error(code), { code });
    };
    let error: unknown;
    try {
      writeAtomic(join(dir, 'a.json'), '{"x": 1}');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`cannot write ${join(dir, 'a.json')}: ${why}`);
    expect(readdirSync(dir)).toEqual([]);
  });
  test('taking the --out lock on a read-only folder: a UserError, no temporary file', () => {
    const dir = fresh();
    writeOps.writeFileSync = () => {
      throw Object.assign(new Error('EROFS'), { code: 'EROFS' });
    };
    const take = () => lockFolder(dir, 'tx train a.tx');
    expect(take).toThrow(UserError);
    expect(take).toThrow(`cannot create the lock ${join(dir, LOCK_FILE)}: the file system is read-only`);
    expect(readdirSync(dir)).toEqual([]);
  });
});

test('temporary files of dead runs are swept when a later run writes there; a live one’s are kept', spawning(6), () => {
  const dir = fresh();
  const dead = tempPath(join(dir, 'loss.csv'), deadPid());
  const live = tempPath(join(dir, 'loss.csv'), process.ppid);
  writeFileSync(dead, 'torn');
  writeFileSync(live, 'being written');
  writeAtomic(join(dir, 'loss.csv'), 'step,epoch,loss\n');
  expect(existsSync(dead)).toBe(false);
  expect(existsSync(live)).toBe(true);
});

test("another tool's file that looks temporary is never swept", () => {
  const dir = fresh();
  const theirs = join(dir, `backup.tmp-${deadPid()}`);
  writeFileSync(theirs, 'not txc');
  writeAtomic(join(dir, 'loss.csv'), 'step,epoch,loss\n');
  expect(readFileSync(theirs, 'utf8')).toBe('not txc');
});

describe('the --out lock', spawning(6), () => {
  test('a second holder is refused with the pid of the first; releasing frees it', () => {
    const dir = fresh();
    const release = lockFolder(dir, 'tx train a.tx');
    const again = () => lockFolder(dir, 'tx train b.tx');
    expect(again).toThrow(UserError);
    expect(again).toThrow(new RegExp(`^${dir} is in use by another run: tx train a\\.tx \\(pid ${process.pid}, started \\d{4}-`));
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    again()();
  });
  test('a lock that cannot be read is refused, not taken over', () => {
    const dir = fresh();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    expect(() => lockFolder(dir, 'tx train b.tx')).toThrow(`${dir} is in use by another run: an owner ${join(dir, LOCK_FILE)} does not name (it cannot be read)`);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe('garbage');
  });
  test('a lock whose process died is taken over', () => {
    const dir = fresh();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), started: '2020-01-01T00:00:00.000Z', command: 'tx train old.tx' }));
    const release = lockFolder(dir, 'tx train new.tx');
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, command: 'tx train new.tx' });
    release();
  });
  test('tx train on a folder another live run holds exits 1 naming it', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'spec.tx'), TINY);
    const out = join(dir, 'run');
    mkdirSync(out);
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: process.pid, started: '2030-01-01T00:00:00.000Z', command: 'tx train other.tx' }));
    const r = tx('train', join(dir, 'spec.tx'), '--out', out, '--device', 'cpu', '--steps', '1');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`error: ${out} is in use by another run: tx train other.tx (pid ${process.pid}, started 2030-01-01T00:00:00.000Z)`);
    expect(readdirSync(out)).toEqual([LOCK_FILE]);
  });
});

describe('numeric options', spawning(6), () => {
  test('tx compile --target names the targets it knows', () => {
    const r = tx('compile', QUICK, '--target', 'h200');
    expect(r.code).toBe(2);
    expect(r.err).toContain('expected cpu, lavapipe, gpu');
  });
  test.each([
    ['compile', '--stats', '--batch'],
    ['compile', '--buffer-limit'],
    ['train', '--steps'],
    ['train', '--checkpoint-every'],
  ])('tx %s %s … refuses abc, -1, 0, 1.5, 1e3 with exit 2', (command, ...flags) => {
    for (const v of ['abc', '-1', '0', '1.5', '1e3', '']) {
      const r = tx(command, QUICK, ...flags, v);
      expect(r.code, `${flags.join(' ')} ${v}`).toBe(2);
      expect(r.out).not.toContain('NaN');
    }
  });
  test('tx quickstart --seeds 0 and --steps abc', () => {
    expect(tx('quickstart', '--seeds', '0').code).toBe(2);
    expect(tx('quickstart', '--steps', 'abc').code).toBe(2);
  });
  test('a good value still works', () => {
    expect(tx('compile', QUICK, '--stats', '--batch', '8')).toMatchObject({ code: 0, out: expect.stringContaining('config main (batch 8)') });
    expect(tx('compile', QUICK, '--buffer-limit', '2048')).toMatchObject({ code: 0, out: expect.stringContaining('each within the 2048.0 MiB the target allows') });
  });
});

describe('inputs named on the command line', spawning(6), () => {
  test('a data file that does not exist is reported at the data statement', () => {
    const dir = fresh();
    const spec = join(dir, 'spec.tx');
    writeFileSync(spec, '# data elsewhere\n  data file "gone.npy" { test_trajectories 1 }\nemulator conv1d { channels 1 -> 1  kernel 2 }\nconfig supervised rollout 1\n');
    for (const command of ['check', 'ir']) {
      const r = tx(command, spec);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`${spec}:2:3: error: cannot read ${join(dir, 'gone.npy')}: no such file`);
    }
  });
  test('grad --params and --batch on endless devices fail at once', () => {
    const dir = fresh();
    symlinkSync('/dev/urandom', join(dir, 'b.npy'));
    const p = tx('grad', QUICK, '--params', '/dev/zero');
    expect(p).toMatchObject({ code: 1, err: 'error: cannot read /dev/zero: it is a device, not a regular file\n  hint: give the path of an ordinary file\n' });
    const b = tx('grad', QUICK, '--batch', join(dir, 'b.npy'));
    expect(b.code).toBe(1);
    expect(b.err).toContain(`cannot read ${join(dir, 'b.npy')}: it is a device`);
  });
});
