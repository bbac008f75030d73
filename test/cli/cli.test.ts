// The `tx` command as a user runs it: output, files and exit codes.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { spawning } from '../budgets.js';

function tx(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/tx.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const QUICK = 'specs/quickstart/rollout5.tx';

describe('tx check', spawning(8), () => {
  test('a valid spec', () => {
    expect(tx('check', QUICK)).toMatchObject({ code: 0, out: `${QUICK}: ok (1 configuration: main)\n` });
  });
  test('errors: exit 1, printed with a caret and a hint, never a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tx-'));
    const f = join(dir, 'bad.tx');
    writeFileSync(f, readFileSync(QUICK, 'utf8').replace('rollout 5', 'rolout 5'));
    const r = tx('check', f);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${f}:6:19: error: unknown option 'rolout' for a supervised configuration`);
    expect(r.err).toContain("hint: did you mean 'rollout'?");
    expect(r.err).not.toMatch(/at .*\.(js|ts):\d+/);
    const j = tx('check', f, '--json');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toEqual([
      { severity: 'error', file: f, line: 6, column: 19, length: 6, message: "unknown option 'rolout' for a supervised configuration", hint: "did you mean 'rollout'?" },
    ]);
  });
  test('bad usage exits 2; a missing file exits 1 with a message', () => {
    expect(tx('ir').code).toBe(2);
    expect(tx('frobnicate').code).toBe(2);
    expect(tx('ir', 'nope.tx')).toMatchObject({ code: 1, err: 'error: cannot read nope.tx: no such file\n' });
  });
  test('every command has --help', () => {
    for (const c of ['check', 'ir', 'draw', 'snapshot', 'params', 'grad', 'eval', 'rollout']) expect(tx(c, '--help')).toMatchObject({ code: 0 });
  });
});

describe('tx ir', spawning(8), () => {
  test('prints the golden chain graph', () => {
    expect(tx('ir', QUICK).out).toBe(readFileSync(QUICK.replace('.tx', '.ir'), 'utf8'));
  });
  test('--stats counts the diverted chain CSE', () => {
    const r = tx('ir', 'specs/showcase/diverted-two-step-branch-one-general.tx', '--stats', '--json');
    expect(JSON.parse(r.out)[0].calls).toEqual({
      before: { emulator: 3, reference: 2, residuum: 0 },
      after: { emulator: 2, reference: 2, residuum: 0 },
    });
  });
  test('--after prints any pass', () => {
    const r = tx('ir', QUICK, '--after', 'inline');
    expect(r.out).toContain('%layers.0.weight = input param[layers.0.weight]');
    expect(r.out).toContain('conv {padding: circular}(%ic, %layers.0.weight)');
    expect(tx('ir', QUICK, '--after', 'nonsense').code).toBe(2);
  });
});

describe('tx snapshot', spawning(8), () => {
  test('missing, changed and updated golden files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tx-snap-'));
    copyFileSync(QUICK, join(dir, 'a.tx'));
    const missing = tx('snapshot', dir);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('no golden file');
    expect(tx('snapshot', dir, '--update')).toMatchObject({ code: 0 });
    expect(readFileSync(join(dir, 'a.ir'), 'utf8')).toBe(readFileSync(QUICK.replace('.tx', '.ir'), 'utf8'));
    expect(tx('snapshot', dir)).toMatchObject({ code: 0, out: '1 spec, 2 golden files: 2 ok\n' });
    writeFileSync(join(dir, 'a.tx'), readFileSync(QUICK, 'utf8').replace('rollout 5', 'rollout 5 cut_bptt every 2'));
    const changed = tx('snapshot', dir);
    expect(changed.code).toBe(1);
    expect(changed.out).toContain('+%u2_sg = stop_gradient(%u2)');
    expect(changed.out).toContain('-# config main: supervised rollout 5');
  });
  test('--only ir keeps and compares the chain IR alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tx-snap-'));
    copyFileSync(QUICK, join(dir, 'a.tx'));
    expect(tx('snapshot', dir, '--only', 'ir', '--update')).toMatchObject({ code: 0 });
    expect(readdirSync(dir).sort()).toEqual(['a.ir', 'a.tx']);
    expect(tx('snapshot', dir, '--only', 'ir')).toMatchObject({ code: 0, out: '1 spec, 1 golden files: 1 ok\n' });
    expect(tx('snapshot', dir).code).toBe(1);
    expect(tx('snapshot', dir, '--only', 'wgsl').code).toBe(2);
  });
});

describe('tx params and tx grad', spawning(8), () => {
  test('params round-trip through grad --params', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tx-params-'));
    const p = join(dir, 'p.json');
    expect(tx('params', QUICK, '-o', p).code).toBe(0);
    const params = JSON.parse(readFileSync(p, 'utf8'));
    expect(Object.keys(params)).toEqual(['layers.0.weight']);
    expect(params['layers.0.weight'].shape).toEqual([1, 1, 2]);
    const a = JSON.parse(tx('grad', QUICK, '--json').out);
    const b = JSON.parse(tx('grad', QUICK, '--json', '--params', p).out);
    expect(b).toEqual(a);
    expect(a.grads['layers.0.weight'].shape).toEqual([1, 1, 2]);
    expect(Number.isFinite(a.loss)).toBe(true);
  });
  test('params --list: the tree in pytree order with shapes and sizes, and the total', () => {
    const r = tx('params', 'specs/networks/resnet-1d.tx', '--list');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('lifting.weight          [4, 1, 1]    4');
    expect(lines[2]).toBe('blocks.0.conv_1.weight  [4, 4, 3]   48');
    expect(lines.map((l) => l.split(/ +/)[0])).toEqual([
      'lifting.weight', 'lifting.bias',
      ...[0, 1].flatMap((b) => [1, 2].flatMap((c) => [`blocks.${b}.conv_${c}.weight`, `blocks.${b}.conv_${c}.bias`])),
      'projection.weight', 'projection.bias', 'total',
    ]);
    // P(1 -> 4) + 2 blocks of 2 (4·4·3 + 4) + P(4 -> 1), networks.md §7.
    expect(lines.at(-1)).toMatch(/^total +221$/);
  });
  test('bad parameter and minibatch files name the file and the mismatch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tx-bad-'));
    const p = join(dir, 'p.json');
    writeFileSync(p, JSON.stringify({ 'layers.0.weight': { shape: [1, 2], data: [1, 2] } }));
    expect(tx('grad', QUICK, '--params', p)).toMatchObject({ code: 1, err: `error: ${p}: 'layers.0.weight' has shape [1,2], but the emulator needs [1, 1, 2]\n` });
    writeFileSync(p, JSON.stringify({}));
    expect(tx('grad', QUICK, '--params', p).err).toContain(`${p}: missing parameter 'layers.0.weight'`);
    writeFileSync(p, JSON.stringify({ 'layers.0.weight': { shape: [1, 1, 2], data: [1, null] } }));
    expect(tx('grad', QUICK, '--params', p).err).toContain(`${p}: 'layers.0.weight' data[1] is null, not a finite number`);
    const w = join(dir, 'w.json');
    writeFileSync(w, JSON.stringify({ shape: [1, 3, 1, 30], data: Array(90).fill(0) }));
    expect(tx('grad', QUICK, '--batch', w)).toMatchObject({ code: 1, err: `error: ${w}: windows of 3 snapshots, but the configuration needs 6\n  hint: give windows of at least 6 snapshots\n` });
    writeFileSync(w, JSON.stringify({ shape: [1, 6, 1, 20], data: Array(120).fill(0) }));
    expect(tx('grad', QUICK, '--batch', w).err).toContain("windows hold states of shape [1, 20], but the spec's states are [1, 30]");
  });
});

describe('tx draw', spawning(8), () => {
  test('writes an SVG file atomically, or DOT to standard output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tx-draw-'));
    const f = join(dir, 'q.svg');
    expect(tx('draw', QUICK, '-o', f).code).toBe(0);
    const svg = readFileSync(f, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/class="node emulator/g)?.length).toBe(5);
    const dot = tx('draw', QUICK, '--format', 'dot');
    expect(dot.out).toMatch(/^digraph/);
    expect(tx('draw', QUICK, '--format', 'png').code).toBe(2);
  });
});
