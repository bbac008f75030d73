// `tx train` on a file with several named emulators: each is trained in turn
// into its own folder, saying which; --emulator trains one; a name the file
// does not declare is a message with the names it does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { spawning } from '../budgets.js';

const dir = mkdtempSync(join(tmpdir(), 'tx-emus-'));
const SPEC = join(dir, 'two.tx');
writeFileSync(
  SPEC,
  `data advection1d { points 16  trajectories 4  snapshots 6  modes 3  test_trajectories 1 }
emulator lin = conv1d { channels 1 -> 1  kernel 3 }
emulator res = resnet { width 2  blocks 1 }
config supervised rollout 1
train { steps 2  batch 2 }
`,
);

function tx(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/tx.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('tx train, several emulators', spawning(4), () => {
  test('each in turn, each into its own folder under --out', () => {
    const out = join(dir, 'all');
    const r = tx('train', SPEC, '--device', 'cpu', '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`emulator lin: training into ${join(out, 'lin')}\n`);
    expect(r.out).toContain(`emulator res: training into ${join(out, 'res')}\n`);
    expect(r.out.indexOf('emulator lin')).toBeLessThan(r.out.indexOf('emulator res'));
    for (const e of ['lin', 'res']) expect(existsSync(join(out, e, 'params.safetensors'))).toBe(true);
  });

  test('--emulator NAME trains that one, into --out as given', () => {
    const out = join(dir, 'one');
    const r = tx('train', SPEC, '--device', 'cpu', '--out', out, '--emulator', 'res');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`emulator res: training into ${out}\n`);
    expect(r.out).not.toContain('emulator lin');
    expect(existsSync(join(out, 'params.safetensors'))).toBe(true);
    // One emulator's checkpoint never resumes another's.
    const other = tx('train', SPEC, '--device', 'cpu', '--out', out, '--emulator', 'lin', '--resume');
    expect(other.code).toBe(1);
    expect(other.err).toContain('the checkpoint is of another run');
  });

  test('an unknown name', () => {
    const r = tx('train', SPEC, '--device', 'cpu', '--emulator', 'fno');
    expect(r.code).toBe(1);
    expect(r.err).toBe("error: no emulator named 'fno'\n  hint: this file has: lin, res\n");
  });
});
