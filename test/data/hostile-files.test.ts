// Files a careless or hostile user names as data, parameters or a checkpoint:
// endless devices, pipes, folders, huge or deeply nested JSON, lying .npy
// headers, damaged fields. Each must be a UserError naming what is wrong,
// at once, never a hang, an out-of-memory or a JavaScript error.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { loadTrajectories } from '../../src/data/load.js';
import { UserError } from '../../src/util/diagnostics.js';
import type { ParamDecl } from '../../src/passes/inline/network.js';
import { paramsFromJson } from '../../src/runtime/params.js';
import { checkpointFromJson, checkpointToJson } from '../../src/train/checkpoint.js';
import { readText } from '../../src/util/files.js';

const dir = mkdtempSync(join(tmpdir(), 'tx-hostile-'));

/** The UserError `f` throws (failing the test if it throws anything else or nothing). */
function userError(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected a UserError');
}

function link(name: string, target: string): string {
  const p = join(dir, name);
  symlinkSync(target, p);
  return p;
}

describe('paths that are not regular files are refused before reading', () => {
  test.each([
    ['/dev/zero as .npy', () => link('zero.npy', '/dev/zero')],
    ['/dev/urandom as .json', () => link('random.json', '/dev/urandom')],
  ])('%s (through a symbolic link)', (_, make) => {
    const p = make();
    expect(userError(() => loadTrajectories(p)).message).toBe(`cannot read ${p}: it is a device, not a regular file`);
  });
  test('a folder', () => {
    const p = join(dir, 'folder.npy');
    mkdirSync(p);
    expect(userError(() => loadTrajectories(p)).message).toBe(`cannot read ${p}: it is a directory`);
  });
  test('a FIFO, which would block on open', () => {
    const p = join(dir, 'pipe.json');
    expect(spawnSync('mkfifo', [p]).status).toBe(0);
    expect(userError(() => loadTrajectories(p)).message).toBe(`cannot read ${p}: it is a pipe (FIFO), not a regular file`);
  });
  test('a parameter file on /dev/zero', () => {
    expect(userError(() => readText('/dev/zero')).message).toBe('cannot read /dev/zero: it is a device, not a regular file');
  });
});

describe('JSON data', () => {
  test('over 256 MiB is refused by its size, naming the limit', () => {
    const p = join(dir, 'huge.json');
    writeFileSync(p, '');
    truncateSync(p, 600 * 1024 * 1024); // sparse: no disk used
    const e = userError(() => loadTrajectories(p));
    expect(e.message).toBe(`cannot read ${p}: it is 600 MiB; txc reads files of at most 256 MiB of this kind`);
    expect(e.hint).toMatch(/\.npy/);
  });
  test('nested 10 000 deep: a limit on dimensions, not a stack overflow', () => {
    const p = join(dir, 'deep.json');
    writeFileSync(p, '['.repeat(10_000) + '1' + ']'.repeat(10_000));
    expect(userError(() => loadTrajectories(p)).message).toBe(`${p}: the arrays are nested more than 32 deep; txc reads at most 32 dimensions`);
  });
  test('a deep value where a number belongs is described, not printed', () => {
    const p = join(dir, 'ragged.json');
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    writeFileSync(p, `{"shape": [1, 2, 1], "data": [1, ${deep}]}`);
    expect(userError(() => loadTrajectories(p)).message).toBe(`${p}: entry [1] is a list of 1, not a number`);
  });
});

describe('.npy headers are checked against the real file size before the data is read', () => {
  const npy = (shape: number[]) => writeNpy({ shape, data: new Float64Array(shape.reduce((a, b) => a * b, 1)) });
  test('a header promising less than a (sparse) 3 GiB file holds', () => {
    const p = join(dir, 'lies.npy');
    writeFileSync(p, npy([1, 2, 3]));
    truncateSync(p, 3 * 1024 ** 3);
    expect(userError(() => loadTrajectories(p)).message).toBe(`${p}: shape [1, 2, 3] of <f8 needs 48 data bytes but the file has ${3 * 1024 ** 3 - 128}`);
  });
  test('a header promising more numbers than txc holds', () => {
    const p = join(dir, 'vast.npy');
    const bytes = npy([1, 2, 3]);
    const header = new TextDecoder('latin1').decode(bytes.subarray(10, 128)).replace('(1, 2, 3)', '(9999, 99999, 999)');
    writeFileSync(p, Buffer.concat([bytes.subarray(0, 10), Buffer.from(header.slice(0, 118), 'latin1')]));
    expect(userError(() => loadTrajectories(p)).message).toMatch(/has 998890110999 numbers; txc holds at most 268435456 \(2 GiB as float64\)$/);
  });
});

const decls: ParamDecl[] = [{ name: 'w', shape: [1, 2], fanIn: 2 }];

describe('parameter files name the entry that is wrong', () => {
  test.each([
    ['{"w": null}', `p.json: 'w' is null, not {"shape": [...], "data": [...]}`],
    ['{"w": 3}', `p.json: 'w' is 3, not {"shape": [...], "data": [...]}`],
    ['{"w": {"shape": null, "data": [1, 2]}}', `p.json: 'w' has shape null, but the emulator needs [1, 2]`],
    ['{"w": {"shape": ["1", "2"], "data": [1, 2]}}', `p.json: 'w' has shape ["1","2"], but the emulator needs [1, 2]`],
    ['{"w": {"shape": [1, 2], "data": [1, [[[]]]]}}', `p.json: 'w' data[1] is a list of 1, not a finite number`],
  ])('%s', (text, message) => {
    expect(userError(() => paramsFromJson(text, decls, 'p.json')).message).toBe(message);
  });
});

describe('damaged checkpoints name the field that is wrong', () => {
  const f64 = (xs: number[]) => Buffer.from(new Float64Array(xs).buffer).toString('base64');
  const good = () => {
    const w = { shape: [1, 2], data: new Float64Array([1, 2]) };
    const params = new Map([['w', w]]);
    const c = { step: 2, horizon: 2, target: 2, params, optimizer: { kind: 'adam' as const, count: 2, mu: params, nu: params }, history: [{ step: 0, epoch: 0, loss: 1 }, { step: 1, epoch: 0, loss: 0.5 }] };
    return JSON.parse(checkpointToJson(c, 'key')) as Record<string, unknown>;
  };
  const read = (edit: (c: Record<string, unknown>) => void, kind: 'adam' | 'sgd' = 'adam') => {
    const c = good();
    edit(c);
    return userError(() => checkpointFromJson(JSON.stringify(c), 'key', decls, 'c.json', 2, kind)).message;
  };
  test('a good one reads back', () => {
    expect(checkpointFromJson(JSON.stringify(good()), 'key', decls, 'c.json', 2, 'adam').history[1]).toEqual({ step: 1, epoch: 0, loss: 0.5 });
  });
  test.each([
    ['a history of numbers', (c: Record<string, unknown>) => (c.history = [1, 2]), 'c.json: "history[0]" is 1, not [0, epoch, finite loss]'],
    ['a history of nulls', (c: Record<string, unknown>) => (c.history = [null, null]), 'c.json: "history[0]" is null, not [0, epoch, finite loss]'],
    ['a history of strings', (c: Record<string, unknown>) => (c.history = [[0, 0, 'a'], [1, 0, 'b']]), 'c.json: "history[0]" is [0, 0, "a"], not [0, epoch, finite loss]'],
    ['a NaN loss (null in JSON)', (c: Record<string, unknown>) => ((c.history as unknown[][])[1]![2] = null), 'c.json: "history[1]" is [1, 0, null], not [1, epoch, finite loss]'],
    ['a history shorter than the step', (c: Record<string, unknown>) => (c.history = []), 'c.json: "history" has 0 entries, but "step" is 2'],
    ['a null optimizer', (c: Record<string, unknown>) => (c.optimizer = null), 'c.json: "optimizer" is not an adam or sgd state'],
    ['an SGD state for an Adam run', (c: Record<string, unknown>) => (c.optimizer = { kind: 'sgd', count: 2 }), 'c.json: "optimizer" holds sgd state, but the run trains with adam'],
    ['Adam moments missing', (c: Record<string, unknown>) => ((c.optimizer as Record<string, unknown>).nu = null), 'c.json: "optimizer.nu" is null, not an object of parameters'],
    ['a null parameter', (c: Record<string, unknown>) => (c.params = { w: null }), 'c.json: "params.w" is missing or of another shape than [1, 2]'],
    ['values not base64', (c: Record<string, unknown>) => (c.params = { w: { shape: [1, 2], f64le: '!!!' } }), 'c.json: "params.w" is not base64 of 2 float64 values'],
    ['too few values', (c: Record<string, unknown>) => (c.params = { w: { shape: [1, 2], f64le: f64([1]) } }), 'c.json: "params.w" is not base64 of 2 float64 values'],
    ['a fractional step', (c: Record<string, unknown>) => (c.step = 1.5), 'c.json: "step" is 1.5, not a step count'],
  ])('%s', (_, edit, message) => {
    expect(read(edit)).toBe(message);
  });
});
