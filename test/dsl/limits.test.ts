// Specs at and past txc's limits (src/dsl/limits.ts): each limit is a
// diagnostic with a place and a hint, and nothing a user writes makes the front
// end overflow the stack, allocate a huge array or unroll without bound.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as L from '../../src/dsl/limits.js';
import { frontend } from '../../src/frontend.js';

const DATA = 'data advection1d { points 30  trajectories 20  snapshots 100  cfl -0.75 }';
const EMU = 'emulator conv1d { channels 1 -> 1  kernel 2  padding circular  bias false }';
const REF = 'reference advection1d { cfl -0.75 }';
const RES = 'residuum fou(next, prev) = next - prev + c * (prev - shift(prev, 1)) where c = 0.5';

function diags(source: string, dataShape?: (path: string) => readonly number[]) {
  return frontend(source, 'spec.tx', dataShape).diagnostics.map((d) => ({ at: `${d.line}:${d.column}+${d.length}`, message: d.message, hint: d.hint }));
}
const lines = (...ls: string[]) => ls.join('\n') + '\n';
const LIMITS_HINT = "txc's limits keep every stage of the compiler bounded; docs/language.md lists them under Limits";

describe('wrong words, issue 12', () => {
  test('a residuum configuration with a normalised loss is refused at the loss, not in lowering', () => {
    expect(diags(lines(DATA, EMU, RES, 'config residuum rollout 2 loss nmse'))).toEqual([
      {
        at: '4:32+4',
        message: "a residuum configuration cannot use the normalised loss 'nmse': it divides by the norm of the target, and a residuum's target is zero",
        hint: "use loss mse, the mean of the residuum's squares (as Trainax: its normalised losses need a target)",
      },
    ]);
  });
  test('also as a part of a composite', () => {
    expect(diags(lines(DATA, EMU, RES, 'config composite { 1.0 * supervised  0.5 * residuum loss nmae }'))[0]).toMatchObject({
      at: '4:58+4',
      message: expect.stringContaining("cannot use the normalised loss 'nmae'"),
    });
  });
  test("a stray '*' in a composite is named, and the setting it robbed gets no second error", () => {
    expect(diags(lines(DATA, EMU, REF, 'config composite { 1.0 * supervised rollout 1 * diverted rollout 2 }'))).toEqual([
      {
        at: '4:47+1',
        message: "'1 *' here reads as the next part's weight, which leaves 'rollout' without a value",
        hint: "each part is 'weight * configuration': write rollout 1  0.5 * diverted …, or give 'rollout' its value before the '1'",
      },
    ]);
  });
  test('a flag before the next weight is not a stray star', () => {
    expect(diags(lines(DATA, EMU, REF, 'config composite { 1.0 * supervised rollout 2 cut_bptt 1 * diverted rollout 2 }'))).toEqual([]);
  });
  test('a [trajectories, snapshots] data file: what was found, what is expected, both ways out', () => {
    expect(diags(lines('data file "x.npy"', EMU, 'config supervised'), () => [])).toEqual([
      {
        at: '1:1+17',
        message: '"x.npy" has shape [trajectories, snapshots]: its states have no channel axis',
        hint: 'for a convolutional emulator, save it as [trajectories, snapshots, channels, points]; for states without space, as [trajectories, snapshots, channels] (numpy: x[:, :, None]) with an mlp emulator',
      },
    ]);
  });
  test('a [trajectories, snapshots, points] data file with a conv1d emulator', () => {
    expect(diags(lines('data file "x.npy"', EMU, 'config supervised'), () => [64])).toEqual([
      {
        at: '2:1+75',
        message: "a conv emulator needs states of shape [channels, ...space] with 1 to 3 space axes, but the data's states are [64]",
        hint: "if the file's last axis is space, add a channel axis (numpy: x[:, :, None, :]); if it has no space axis, use an mlp emulator",
      },
    ]);
  });
});

describe('numbers past the limits', () => {
  test.each(['9007199254740993', '1e308', '4294967296', '1000000000'])('rollout %s', (n) => {
    expect(diags(lines(DATA, EMU, `config supervised rollout ${n}`))).toEqual([
      { at: `3:27+${n.length}`, message: `'rollout' must be at most ${L.MAX_ROLLOUT}, got ${n}`, hint: LIMITS_HINT },
    ]);
  });
  test('points, kernel and channels: counts that size arrays', () => {
    const ds = diags(lines('data advection1d { points 1e308 }', 'emulator conv1d { channels 1 -> 1e9 -> 1  kernel 9007199254740993 }', 'config supervised'));
    expect(ds.map((d) => d.message)).toEqual([
      `'points' must be at most ${L.MAX_POINTS}, got 1e308`,
      `'channels' must be at most ${L.MAX_CHANNELS}, got 1e9`,
      `'kernel' must be at most ${L.MAX_KERNEL}, got 9007199254740993`,
    ]);
  });
  test('cut_bptt every and a mix chain', () => {
    expect(diags(lines(DATA, EMU, REF, 'config supervised rollout 4 cut_bptt every 1e12'))[0]!.message).toBe(`'cut_bptt every' must be at most ${L.MAX_ROLLOUT}, got 1e12`);
    expect(diags(lines(DATA, EMU, REF, 'config mix chain [emulator 600, reference 600]'))[0]).toMatchObject({
      at: '4:12+35',
      message: `this mix chain has 1200 time levels; txc allows at most ${L.MAX_ROLLOUT}`,
    });
  });
  test('reals a 32-bit float cannot hold', () => {
    const ds = diags(
      lines(DATA, EMU, 'reference f(u) = u * 1e39 + u where c = 1 / 0', 'config composite { 1e39 * supervised rollout 2 weights [1, 1e300] }', 'train { lr 1e300 }'),
    );
    expect(ds.map((d) => d.message)).toEqual([
      '1e+39 does not fit a 32-bit float, the GPU\'s number type',
      'this evaluates to Infinity, which a 32-bit float cannot hold',
      `a weight must be a number of magnitude at most ${L.MAX_REAL} (a 32-bit float), got 1e39`,
      `'weights' must be a number of magnitude at most ${L.MAX_REAL} (a 32-bit float), got 1e300`,
      `'lr' must be a number of magnitude at most ${L.MAX_REAL} (a 32-bit float), got 1e300`,
    ]);
  });
  test('the unrolled graph of a file is bounded before it is built', () => {
    expect(diags(lines(DATA, EMU, REF, 'config diverted rollout 1000 branch 500'))).toEqual([
      {
        at: '4:1+39',
        message: `this configuration unrolls to 501500 calls of the emulator and solvers; txc allows at most ${L.MAX_UNROLLED_CALLS}`,
        hint: 'shorten the rollout or the branch; docs/language.md lists the limits under Limits',
      },
    ]);
    const many = Array.from({ length: 30 }, (_, i) => `config c${i} = supervised rollout 1000`);
    expect(diags(lines('data advection1d { snapshots 1001 }', EMU, ...many)).map((d) => d.at)).toEqual(['23:1+36']);
  });
  test('a generated data set is bounded', () => {
    expect(diags(lines('data advection1d { points 4096  trajectories 10000000  snapshots 10000000 }', EMU, 'config supervised'))[0]!.message).toBe(
      `this data set would hold 409600000000000000 numbers; txc generates at most ${L.MAX_DATA_VALUES}`,
    );
  });
  test("a data set's size counts its channels: Gray–Scott's two", () => {
    const sized = (system: string) => `data ${system} { points 1024  trajectories 1024  snapshots 200  test_trajectories 1  test_snapshots 2 }`;
    expect(diags(lines(sized('ks'), EMU, 'config supervised'))).toEqual([]);
    expect(diags(lines(sized('gray_scott'), EMU, 'config supervised'))[0]!.message).toBe(
      `this data set would hold ${(1024 * 200 + 2) * 1024 * 2} numbers; txc generates at most ${L.MAX_DATA_VALUES}`,
    );
  });
});

describe('nesting and size', () => {
  const tooDeep = (what: string) => `${what}; txc reads specs nested at most ${L.MAX_NESTING} deep`;
  test('blocks nested 300 deep', () => {
    const src = lines(DATA, `emulator mlp ${'{ net conv1d '.repeat(300)}${'}'.repeat(300)}`, 'config supervised');
    expect(diags(src)).toEqual([{ at: `2:${14 + 13 * L.MAX_NESTING}+1`, message: tooDeep(`'{' opens a level of nesting deeper than ${L.MAX_NESTING}`), hint: 'flatten the spec; docs/language.md lists the limits under Limits' }]);
  });
  test('a composite nested 500 deep', () => {
    const src = lines(DATA, EMU, `config ${'composite { 1 * '.repeat(500)}supervised${' }'.repeat(500)}`);
    expect(diags(src).map((d) => d.message)).toEqual([tooDeep(`'{' opens a level of nesting deeper than ${L.MAX_NESTING}`)]);
  });
  test('parentheses and minus signs', () => {
    expect(diags(lines(DATA, EMU, `reference f(u) = ${'(u + '.repeat(5000)}u${')'.repeat(5000)}`, 'config supervised'))[0]!.message).toBe(
      tooDeep(`'(' opens a level of nesting deeper than ${L.MAX_NESTING}`),
    );
    expect(diags(lines(DATA, EMU, `reference f(u) = ${'-'.repeat(5000)}u`, 'config supervised'))[0]!.message).toBe(tooDeep(`more than ${L.MAX_NESTING} '-' in a row`));
  });
  test('a 20 000-term expression', () => {
    expect(diags(lines(DATA, EMU, `reference f(u) = u${' + u'.repeat(20000)}`, 'config supervised'))).toEqual([
      { at: '3:11+1', message: `this reference has 20001 terms; txc allows at most ${L.MAX_EXPR_TERMS} in one expression`, hint: 'docs/language.md lists the limits under Limits' },
    ]);
  });
  test('a file over the size limit gets one diagnostic where the limit falls', () => {
    const src = lines(DATA, EMU, 'config supervised') + '# padding\n'.repeat(L.MAX_SOURCE_CHARS / 10);
    const ds = diags(src);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.message).toBe(`this file has ${src.length} characters; txc reads specs of at most ${L.MAX_SOURCE_CHARS} (256 KiB)`);
    const line = src.slice(0, L.MAX_SOURCE_CHARS).split('\n').length;
    expect(ds[0]!.at).toBe(`${line}:${L.MAX_SOURCE_CHARS - src.lastIndexOf('\n', L.MAX_SOURCE_CHARS - 1)}+1`);
  });
  test('a file of repeated blocks up to the size limit: the first errors, then a count of the rest', () => {
    const block = 'train { steps 10 batch 4 }\n';
    const head = lines(DATA, EMU, 'config supervised');
    const src = head + block.repeat(Math.floor((L.MAX_SOURCE_CHARS - head.length) / block.length));
    const ds = diags(src);
    expect(ds).toHaveLength(L.MAX_DIAGNOSTICS + 1);
    expect(ds[0]).toMatchObject({ at: '5:1+26', message: "a second 'train' declaration" });
    const blocks = (src.length - head.length) / block.length;
    expect(ds.at(-1)).toMatchObject({ message: `${blocks - 1 - L.MAX_DIAGNOSTICS} more errors from here on are not shown`, hint: 'fix the ones above first' });
  });
});

describe('tx check', () => {
  // Bounded by construction: at most MAX_SOURCE_CHARS are read, nothing is
  // unrolled past the limits. The timeout is generous because the machine is
  // shared; it is not an assertion about speed.
  test('answers on a 1 MiB file of repeated blocks and on rollout 1000000000', { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tx-limits-'));
    const big = join(dir, 'big.tx');
    const bigText = lines(DATA, EMU, 'config supervised') + 'train { steps 10 batch 4 }\n'.repeat((1 << 20) / 27);
    writeFileSync(big, bigText);
    const long = join(dir, 'long.tx');
    writeFileSync(long, lines(DATA, EMU, 'config supervised rollout 1000000000'));
    const r = spawnSync(process.execPath, ['bin/tx.js', 'check', big, long], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`big.tx:${bigText.slice(0, L.MAX_SOURCE_CHARS).split('\n').length}:`);
    expect(r.stderr).toContain(`reads specs of at most ${L.MAX_SOURCE_CHARS}`);
    expect(r.stderr).toContain(`long.tx:3:27: error: 'rollout' must be at most ${L.MAX_ROLLOUT}, got 1000000000`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
