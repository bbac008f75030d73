// The commands that work on one emulator, on a file that names several: each
// takes --emulator and then works as on a file declaring that one alone;
// without it, a message that lists them (tx eval and tx rollout choose the
// emulator whose parameters --params holds). tx snapshot keeps each one's.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { safetensors } from '../../src/train/safetensors.js';
import { spawning } from '../budgets.js';

const dir = mkdtempSync(join(tmpdir(), 'tx-emu-choice-'));
const DATA = 'data advection1d { points 16  trajectories 4  snapshots 6  modes 3  test_trajectories 1 }\n';
const LIN = 'emulator lin = conv1d { channels 1 -> 1  kernel 3 }\n';
const RES = 'emulator res = resnet { width 2  blocks 1 }\n';
const REST = 'config supervised rollout 1\ntrain { steps 2  batch 2 }\n';
const spec = (name: string, text: string) => {
  const file = join(dir, `${name}.tx`);
  writeFileSync(file, text);
  return file;
};
const TWO = spec('two', DATA + LIN + RES + REST);
const ONLY = { lin: spec('lin', DATA + LIN + REST), res: spec('res', DATA + RES + REST) };
const RUN = join(dir, 'run');
const params = (e: 'lin' | 'res') => join(RUN, e, 'params.safetensors');

function tx(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/tx.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  expect(tx('train', TWO, '--device', 'cpu', '--out', RUN).code).toBe(0);
}, spawning(1).timeout);

describe('one emulator of several', () => {
  test('without --emulator: a message naming them, exit 1', spawning(5), () => {
    for (const command of ['params', 'draw', 'ir', 'compile', 'grad'])
      expect(tx(command, TWO)).toMatchObject({ code: 1, out: '', err: `error: this file declares 2 emulators (lin, res); tx ${command} works on one\n  hint: choose it with --emulator NAME\n` });
  });

  test('tx params --emulator: that network, counted by hand', spawning(2), () => {
    // conv1d 1 -> 1, kernel 3: 3 weights and a bias.
    expect(tx('params', TWO, '--list', '-e', 'lin').out).toMatch(/\ntotal +4\n$/);
    // resnet width 2, one block: lifting 2 + 2, two 3-tap convolutions 2 × (12 + 2), projection 2 + 1.
    expect(tx('params', TWO, '--list', '--emulator', 'res').out).toMatch(/\ntotal +35\n$/);
  });

  test('tx ir, draw, compile and grad --emulator print what the file of that emulator alone gives', spawning(20), () => {
    // The chain graph and its drawing call "the emulator" whatever it is; inlined, the two differ.
    for (const args of [['ir'], ['ir', '--after', 'inline'], ['draw'], ['compile', '--stats'], ['grad', '--json']]) {
      const outs = (['lin', 'res'] as const).map((e) => {
        const chosen = tx(...args, TWO, '--emulator', e);
        expect(chosen.code, chosen.err).toBe(0);
        expect(chosen.out).toBe(tx(...args, ONLY[e]).out);
        return chosen.out;
      });
      if (args.length > 1) expect(outs[0]).not.toBe(outs[1]);
    }
  });

  test('tx eval and tx rollout take the emulator whose parameters they are given, or the one --emulator names', spawning(5), () => {
    const inferred = tx('eval', TWO, '-p', params('res'), '--rollout', '3', '--json');
    expect(inferred.code, inferred.err).toBe(0);
    const named = tx('eval', TWO, '-p', params('res'), '--rollout', '3', '--json', '-e', 'res');
    expect(JSON.parse(inferred.out).metrics).toEqual(JSON.parse(named.out).metrics);
    expect(JSON.parse(inferred.out).metrics).toEqual(JSON.parse(tx('eval', ONLY.res, '-p', params('res'), '--rollout', '3', '--json').out).metrics);

    expect(tx('eval', TWO, '-p', params('lin'), '-e', 'res')).toMatchObject({ code: 1, err: expect.stringContaining("unknown parameter 'layers.0.weight'") });
    const r = tx('rollout', TWO, '-p', params('lin'), '--steps', '2', '-o', join(dir, 'lin.npy'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('[3, 1, 16]');
  });

  test("parameters of neither emulator, or of both: a message, exit 1", spawning(2), () => {
    const other = join(dir, 'other.safetensors');
    writeFileSync(other, safetensors(new Map([['w', { shape: [2], data: new Float64Array([1, 2]) }]])));
    const none = tx('eval', TWO, '-p', other);
    expect(none.code).toBe(1);
    expect(none.err).toBe(`error: ${other}: these weights are none of this file's emulators' (lin, res): lin: unknown parameter 'w': these weights are not this spec's emulator's; res: unknown parameter 'w': these weights are not this spec's emulator's\n  hint: tx params FILE --emulator NAME --list lists what each one has\n`);

    const twins = spec('twins', DATA + LIN + LIN.replace('lin', 'lin2').replace('kernel 3', 'kernel 3  seed 9') + REST);
    expect(tx('eval', twins, '-p', params('lin'))).toMatchObject({ code: 1, err: `error: ${params('lin')} fits each of the emulators lin, lin2\n  hint: choose one with --emulator NAME\n` });
  });

  test("tx snapshot: a file's goldens hold each emulator's, as its file alone compiles it; an emulator that does not fit is an error", spawning(4), () => {
    const snap = join(dir, 'snap');
    mkdirSync(snap);
    writeFileSync(join(snap, 'two.tx'), DATA + LIN + RES + REST);
    expect(tx('snapshot', snap, '--update').code).toBe(0);
    const plan = readFileSync(join(snap, 'two.plan'), 'utf8');
    expect(plan).toBe(`# emulator lin\n${tx('compile', ONLY.lin).out}\n# emulator res\n${tx('compile', ONLY.res).out}`);

    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'bad.tx'), DATA + LIN + 'emulator wide = conv1d { channels 2 -> 2  kernel 3 }\n' + REST);
    const r = tx('snapshot', bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${join(bad, 'bad.tx')}:3:1: error: the emulator maps 2 to 2 channels, but the data's states have 1`);
    expect(r.out).toContain('1 invalid');
  });
});
