// The page's compiler worker (its job, run here in Node), the editor's
// unbreakable `key value` pairs, the bound on a link's spec, and training on a
// data file the user picked: each against what the command line does.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { parseTrajectoryFile } from '../../src/data/files.js';
import { frontend } from '../../src/frontend.js';
import { datasetOf } from '../../src/data/dataset.js';
import { fileSnapshotShape } from '../../src/data/load.js';
import { loadRun } from '../../src/driver/node.js';
import { prepareRun } from '../../src/driver/run.js';
import { openSession } from '../../src/driver/session.js';
import { summary } from '../../src/driver/summary.js';
import { cpuExecutor } from '../../src/train/executors.js';
import { train } from '../../src/train/trainer.js';
import { handle, type Compiled, type RunInput, type View } from '../../web/src/compile-job.js';
import { pairRanges } from '../../web/src/pairs.js';
import { MAX_LINK_SPEC_CHARS, decodeState, encodeState } from '../../web/src/url.js';
import { lossCsv } from '../../src/train/report.js';

const QUICKSTART = readFileSync(join(import.meta.dirname, '../../specs/quickstart/rollout5.tx'), 'utf8');
const compile = (text: string, dataShape?: number[]) => handle({ type: 'compile', text, file: 'spec.tx', dataShape }) as Compiled;

describe('the compiler worker', () => {
  test('compiles, then answers views and the run input for that spec; its answers survive postMessage', () => {
    const c = compile(QUICKSTART);
    expect(c).toMatchObject({ diagnostics: [], configs: ['main'], config: 'main', result: { steps: 1000 } });
    expect(c.result!.summary).toMatch(/^5 emulator calls per step · \d+ kernels · compiled in \d+ ms$/);
    const draw = handle({ type: 'view', tab: 'draw', stage: 'lower' }) as View;
    expect(draw.emulatorCalls).toBe(5);
    expect(draw.text).toMatch(/^<svg/);
    expect((handle({ type: 'view', tab: 'ir', stage: 'autodiff' }) as View).text).toMatch(/^# after autodiff: /);
    const run = handle({ type: 'run' }) as RunInput;
    expect(structuredClone(run)).toEqual(run);
    expect(run.final.outputs.length).toBeGreaterThan(1);
  });

  // These threw a RangeError out of the compiler, which the page showed as "internal compiler error".
  test('a rollout of billions of steps is a diagnostic, not a crash', () => {
    const c = compile(QUICKSTART.replace('rollout 5', 'rollout 4294967296'));
    expect(c.result).toBeUndefined();
    expect(c.diagnostics).toHaveLength(1);
    expect(c.diagnostics[0]).toMatchObject({ severity: 'error', line: expect.any(Number), column: expect.any(Number) });
    expect(c.diagnostics[0]!.message).not.toMatch(/internal/);
  });

  test('composites nested 500 deep are a diagnostic, not a crash', () => {
    let nest = 'supervised rollout 1';
    for (let i = 0; i < 500; i++) nest = `composite { 0.5 * ${nest}  0.5 * supervised rollout 1 }`;
    const c = compile(QUICKSTART.replace('config supervised rollout 5', `config ${nest}`));
    expect(c.result).toBeUndefined();
    expect(c.diagnostics.length).toBeGreaterThan(0);
    expect(c.diagnostics.every((d) => d.severity === 'error' && !/internal/.test(d.message))).toBe(true);
  });

  test('a step too large for a GPU still compiles for the CPU: its plan tabs say why, and it can train', () => {
    const c = compile(QUICKSTART.replace(/^data .*$/m, 'data advection1d { points 1000  trajectories 200  snapshots 1000  cfl -0.75  modes 5  seed 0 }'));
    expect(c.diagnostics).toEqual([]);
    expect(c.result!.summary).toMatch(/· no GPU step ·/);
    for (const tab of ['plan', 'wgsl', 'stats'] as const)
      expect((handle({ type: 'view', tab, stage: 'lower' }) as View).text).toMatch(/^error: the training trajectories take 762\.9 MiB, more than the 128\.0 MiB/);
    expect((handle({ type: 'run' }) as RunInput).final.outputs.length).toBeGreaterThan(1);
  });

  test('a data file spec waits for its file, then compiles with the picked file\'s shape', () => {
    const src = QUICKSTART.replace(/^data .*$/m, 'data file "runs/a.npy" { test_trajectories 2 }');
    expect(compile(src)).toEqual({ type: 'compiled', diagnostics: [], configs: [], dataFile: { path: 'runs/a.npy', waiting: true } });
    expect(compile(src, [1, 30])).toMatchObject({ diagnostics: [], configs: ['main'], dataFile: { path: 'runs/a.npy', waiting: false }, result: { steps: 1000 } });
  });
});

describe('the editor keeps `key value` pairs on one line', () => {
  const pairs = (src: string) => pairRanges(src).map((r) => src.slice(r.from, r.to));

  test('numbers, signed numbers, chains, words the key takes, lists, every N', () => {
    expect(pairs(QUICKSTART.split('\n').filter((l) => !l.startsWith('#')).join('\n'))).toEqual([
      'points 30', 'trajectories 20', 'snapshots 100', 'cfl -0.75', 'modes 5', 'seed 0',
      'channels 1 -> 1', 'kernel 2', 'padding circular', 'bias false', 'seed 73',
      'cfl -0.75', 'method spectral',
      'rollout 5',
      'optimizer adam', 'lr 1e-2', 'steps 1000', 'batch 32', 'seed 42',
    ]);
    expect(pairs('config supervised rollout 4 cut_bptt every 2\nconfig x = mix rollout 2 weights [0, 1]')).toEqual(['rollout 4', 'cut_bptt every 2', 'rollout 2', 'weights [0, 1]']);
  });

  test('not across lines, and not into an expression stepper\'s calls', () => {
    expect(pairs('emulator conv1d { channels 1\n -> 1 }')).toEqual(['channels 1']);
    expect(pairs('reference fou(u) = u - c * shift(u, 1) where c = 0.5')).toEqual([]);
  });
});

describe('a link is bounded', () => {
  test(`a spec over ${MAX_LINK_SPEC_CHARS} characters is refused, not decoded`, () => {
    const big = '#'.repeat(MAX_LINK_SPEC_CHARS + 1);
    expect(decodeState(encodeState({ spec: big }))).toEqual({ tooLong: true });
    const ok = '#'.repeat(MAX_LINK_SPEC_CHARS);
    expect(decodeState(encodeState({ spec: ok })).spec).toBe(ok);
    // Far over: refused from the hash's length alone.
    expect(decodeState(`#spec=${'A'.repeat(6 * MAX_LINK_SPEC_CHARS)}`)).toEqual({ tooLong: true });
  });
});

describe('training on a picked data file is the run `tx train` makes on that file', () => {
  test('the same losses, bit for bit', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'txc-web-file-'));
    try {
      const shape = [6, 40, 1, 30];
      const data = Float64Array.from({ length: 6 * 40 * 30 }, (_, i) => Math.sin(i * 0.1) + 0.3 * Math.cos(i * 0.037));
      const bytes = writeNpy({ shape, data });
      writeFileSync(join(tmp, 'a.npy'), bytes);
      const source = QUICKSTART.replace(/^data .*$/m, 'data file "a.npy" { test_trajectories 2 }');
      const specFile = join(tmp, 'spec.tx');
      writeFileSync(specFile, source);
      const steps = 15;

      const picked = { name: 'a.npy', trajectories: parseTrajectoryFile('a.npy', bytes) };
      compile(source, picked.trajectories.shape.slice(2));
      const input = handle({ type: 'run' }) as RunInput;
      const run = prepareRun(input, datasetOf(input.spec.data!, picked), { steps });
      const session = await openSession(run, 'cpu');
      const page = await session.train();
      session.close();

      const cli = frontend(source, specFile, fileSnapshotShape(specFile));
      const ref = loadRun(cli.spec, cli.programs[0]!, { steps });
      const expected = await train(cpuExecutor(ref), ref.plan);
      expect(lossCsv(page.history)).toBe(lossCsv(expected.history));
      expect(summary(run, page, { file: 'spec.tx', device: 'cpu', seconds: 1 }).lines.join('\n')).toContain('on 2 held-out trajectories');
      expect(() => datasetOf(input.spec.data!)).toThrow('pick the data file for "a.npy" first');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
