// `tx train` checks what the command line chooses (the configuration, the
// emulator) before it generates any data: a wrong or missing choice is the
// error alone, at once, not after the data's line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { spawning } from '../budgets.js';

const dir = mkdtempSync(join(tmpdir(), 'tx-train-choice-'));
const DATA = 'data advection1d { points 16  trajectories 4  snapshots 6  modes 3  test_trajectories 1 }\n';
const CONFIGS = 'config one = supervised rollout 1\nconfig two = supervised rollout 2\ntrain { steps 2  batch 2 }\n';
const spec = (name: string, text: string) => {
  const file = join(dir, `${name}.tx`);
  writeFileSync(file, text);
  return file;
};

function tx(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/tx.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('tx train, a choice missing or wrong', spawning(4), () => {
  const ONE = spec('one', DATA + 'emulator conv1d { channels 1 -> 1  kernel 3 }\n' + CONFIGS);
  const TWO = spec('two', DATA + 'emulator lin = conv1d { channels 1 -> 1  kernel 3 }\nemulator res = resnet { width 2  blocks 1 }\n' + CONFIGS);

  test('several configurations and no --config: the error before any data', () => {
    for (const file of [ONE, TWO]) expect(tx('train', file, '--device', 'cpu')).toMatchObject({ code: 1, out: '', err: 'error: this file has 2 configurations; choose one with --config\n  hint: they are: one, two\n' });
  });

  test('a --config the file does not have, and an unknown --emulator: the error before any data', () => {
    expect(tx('train', TWO, '--device', 'cpu', '--config', 'three')).toMatchObject({ code: 1, out: '', err: "error: no configuration named 'three'\n  hint: this file has: one, two\n" });
    expect(tx('train', TWO, '--device', 'cpu', '--config', 'one', '--emulator', 'fno')).toMatchObject({ code: 1, out: '', err: "error: no emulator named 'fno'\n  hint: this file has: lin, res\n" });
  });
});
