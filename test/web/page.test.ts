// The playground's browser-safe modules, run in Node: they must compute what
// the command line computes (same IR, same kernel plan, same losses), lex for
// highlighting as the compiler lexes, and keep a spec in a URL losslessly.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findSpecs, golden } from '../../src/snapshot.js';
import { datasetOf } from '../../src/data/dataset.js';
import { checkSpec } from '../../src/driver/check.js';
import { Compilation } from '../../src/driver/compile.js';
import { loadRun } from '../../src/driver/node.js';
import { prepareRun } from '../../src/driver/run.js';
import { openSession } from '../../src/driver/session.js';
import { summary } from '../../src/driver/summary.js';
import { frontend } from '../../src/frontend.js';
import { withEmulator } from '../../src/one-emulator.js';
import { cpuExecutor } from '../../src/train/executors.js';
import { train } from '../../src/train/trainer.js';
import { drawing, emulatorCalls, pickProgram, statsText } from '../../web/src/compile.js';
import { highlightSpans } from '../../web/src/highlight.js';
import { decodeState, encodeState, fromBase64Url, toBase64Url } from '../../web/src/url.js';
import { lossCsv } from '../../src/train/report.js';

/** The page's check: a `data file` spec takes the picked file's shape, and waits without one. */
const check = (source: string, file: string, dataShape?: readonly number[]) => checkSpec(source, file, () => dataShape);

const SPECS = join(import.meta.dirname, '../../specs');
const QUICKSTART = join(SPECS, 'quickstart/rollout5.tx');

describe('the page compiles every example as the command line does', () => {
  for (const file of findSpecs(SPECS)) {
    const name = relative(SPECS, file);
    test(name, () => {
      const source = readFileSync(file, 'utf8');
      const fe = check(source, name);
      expect(fe.diagnostics).toEqual([]);
      const compilations = fe.programs.map((p) => new Compilation(fe.spec, p));
      // What `tx snapshot` compares with the golden files: the CLI's IR and plan.
      // The page compiles a file's first emulator; the goldens hold each one's.
      const all = frontend(source, file);
      const cli = all.spec.emulators.length > 1 ? withEmulator(all, all.spec.emulators[0]!) : all;
      expect(compilations.map((c) => c.ir('lower')).join('\n')).toBe(golden(cli, 'ir'));
      expect(compilations.map((c) => c.plan()).join('\n')).toBe(golden(cli, 'plan'));
      for (const c of compilations) {
        const svg = drawing(c.program);
        expect(svg.match(/class="node emulator[ "]/g)?.length ?? 0).toBe(emulatorCalls(c.program));
        const s = c.stats();
        expect(s.plan.kernels).toBe(c.codegen.plan.fusion.kernels.length);
        expect(c.wgsl().match(/@compute/g)).toHaveLength(s.plan.dispatchesPerStep);
        expect(statsText(s)).toContain(`config ${c.program.config.name}: `);
        for (const stage of ['simplify-chain', 'inline', 'autodiff', 'simplify'] as const) expect(c.ir(stage)).toMatch(new RegExp(`^# after ${stage}: `));
      }
    });
  }

  test('a configuration picked by name, or the first', () => {
    const fe = check(readFileSync(join(SPECS, 'compare-rollouts.tx'), 'utf8'), 'compare-rollouts.tx');
    expect(pickProgram(fe, 'diverted')!.config.name).toBe('diverted');
    expect(pickProgram(fe, undefined)!.config.name).toBe('one_step');
    expect(pickProgram(fe, 'gone')!.config.name).toBe('one_step');
  });

  test('a data file spec waits for its file (no error: a page cannot read paths), then checks with its shape', () => {
    const src = 'data file "runs/a.npy" { test_trajectories 2 }\nemulator conv1d { channels 1 -> 1  kernel 2 }\nconfig supervised rollout 1\n';
    const waiting = check(src, 'spec.tx');
    expect(waiting).toMatchObject({ needsFile: 'runs/a.npy', programs: [], diagnostics: [] });
    expect(check(src, 'spec.tx', [1, 30]).programs).toHaveLength(1);
    expect(check(src, 'spec.tx', [2, 30]).diagnostics).toMatchObject([{ message: 'the emulator maps 1 to 1 channels, but the data\'s states have 2' }]);
  });

  test('errors come with the lines and messages `tx check` gives', () => {
    const src = readFileSync(QUICKSTART, 'utf8').replace('rollout 5', 'rollout 5 cut_bpt');
    expect(check(src, 'q.tx').diagnostics).toMatchObject([
      { line: 6, column: 29, length: 7, message: "unknown option 'cut_bpt' for a supervised configuration", hint: "did you mean 'cut_bptt'?" },
    ]);
  });
});

describe('highlighting from the lexer', () => {
  const text = (src: string) => highlightSpans(src).map((s) => [src.slice(s.from, s.to), s.cls]);

  test('keywords, kinds, numbers, strings, comments, operators', () => {
    expect(text('# hi\nemulator conv1d { channels 1 -> 16  kernel 5 }  # tail # more\ndata file "x.npy"')).toEqual([
      ['# hi', 'comment'],
      ['emulator', 'keyword'],
      ['conv1d', 'kind'],
      ['{', 'punct'],
      ['1', 'number'],
      ['->', 'operator'],
      ['16', 'number'],
      ['5', 'number'],
      ['}', 'punct'],
      ['# tail # more', 'comment'],
      ['data', 'keyword'],
      ['file', 'kind'],
      ['"x.npy"', 'string'],
    ]);
  });

  test('named configurations, expression steppers and functions', () => {
    expect(text('config short = supervised rollout 1')).toEqual([
      ['config', 'keyword'],
      ['short', 'name'],
      ['=', 'operator'],
      ['supervised', 'kind'],
      ['1', 'number'],
    ]);
    expect(text('reference fou(u) = u - c * shift(u, 1) where c = 0.5').filter(([, c]) => c !== 'operator' && c !== 'punct')).toEqual([
      ['reference', 'keyword'],
      ['fou', 'fn'],
      ['shift', 'fn'],
      ['1', 'number'],
      ['where', 'keyword'],
      ['0.5', 'number'],
    ]);
  });

  test('a "#" inside a string is not a comment; unlexable characters are left alone', () => {
    expect(text('data file "a#b.npy" # c')).toEqual([
      ['data', 'keyword'],
      ['file', 'kind'],
      ['"a#b.npy"', 'string'],
      ['# c', 'comment'],
    ]);
    expect(text('config supervised rollout 1 $ 2').map(([t]) => t)).toEqual(['config', 'supervised', '1', '2']);
  });
});

describe('the spec in the URL', () => {
  test('round trip, unicode and all', () => {
    const spec = readFileSync(QUICKSTART, 'utf8') + '# Δt — ünïcode ✓\n';
    const hash = encodeState({ spec, config: 'main' });
    expect(hash).toMatch(/^#spec=[A-Za-z0-9_-]+&config=main$/);
    expect(decodeState(hash)).toEqual({ spec, config: 'main' });
    expect(fromBase64Url(toBase64Url(''))).toBe('');
  });

  test('examples by name; mangled parts are ignored', () => {
    expect(decodeState('#example=quickstart%2Frollout5.tx')).toEqual({ example: 'quickstart/rollout5.tx' });
    expect(decodeState('#spec=%%%&config=a&junk')).toEqual({ config: 'a' });
    expect(decodeState('')).toEqual({});
  });
});

describe('training in the page is the run `tx train` makes', () => {
  test('the same losses, bit for bit, and the same parameters', async () => {
    const source = readFileSync(QUICKSTART, 'utf8');
    const steps = 20;
    const fe = check(source, 'quickstart/rollout5.tx');
    const c = new Compilation(fe.spec, fe.programs[0]!);
    // The worker's answer crosses postMessage: a plain copy of the compilation.
    const run = prepareRun(structuredClone({ spec: c.spec, program: c.program, final: c.final }), datasetOf(fe.spec.data!), { steps });
    const session = await openSession(run, 'cpu');
    const page = await session.train();
    session.close();

    const cli = frontend(source, QUICKSTART);
    const ref = loadRun(cli.spec, cli.programs[0]!, { steps });
    const expected = await train(cpuExecutor(ref), ref.plan);

    expect(page.history).toHaveLength(steps);
    expect(lossCsv(page.history)).toBe(lossCsv(expected.history));
    expect([...page.checkpoint.params]).toEqual([...expected.checkpoint.params]);
    const s = summary(run, page, { file: 'quickstart/rollout5.tx', device: 'cpu', seconds: 1 });
    expect(s.lines[0]).toMatch(/^trained quickstart\/rollout5\.tx \(config main: supervised rollout 5\) on cpu: 20 steps in 1\.0 s/);
    expect(s.lines.join('\n')).toContain('rollout nRMSE (per sample ||pred - ref|| / ||ref||, mean) on 10 freshly generated trajectories');
    expect(s.upwind?.kernel).toHaveLength(2);
  });
});
