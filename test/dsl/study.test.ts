// The study statement and named emulators: what the checker makes of them,
// and each mistake's message, position and hint.
import { describe, expect, test } from 'vitest';
import { frontend } from '../../src/frontend.js';

const HEAD = [
  'data advection1d { points 16  trajectories 4  snapshots 12  cfl -0.75  modes 3 }',
  'emulator small = conv1d { channels 1 -> 1  kernel 2  bias false  seed 7 }',
  'emulator wide = conv1d { channels 1 -> 4 -> 1  kernel 3 }',
  'config one_step = supervised rollout 1',
  'config three = supervised rollout 3',
  'train { lr 1e-2  steps 20  batch 8 }',
];

function check(...study: string[]) {
  return frontend([...HEAD, ...study].join('\n') + '\n', 'spec.tx');
}

function diags(...study: string[]) {
  return check(...study).diagnostics.map((d) => ({ at: `${d.line}:${d.column}+${d.length}`, message: d.message, hint: d.hint }));
}

describe('named emulators', () => {
  test('a run trains the first; every one is kept by name', () => {
    const fe = check('study s { vary emulator [small, wide]  vary config [one_step, three] }');
    expect(fe.diagnostics).toEqual([]);
    expect(fe.spec.emulators.map((e) => e.name)).toEqual(['small', 'wide']);
    expect(fe.spec.emulator).toBe(fe.spec.emulators[0]!.decl);
  });
  test('one unnamed emulator is main', () => {
    const fe = frontend(['data advection1d { points 16 modes 3 }', 'emulator conv1d { kernel 2 }', 'config supervised'].join('\n'), 'x.tx');
    expect(fe.spec.emulators.map((e) => e.name)).toEqual(['main']);
  });
  test('several must be named, and names are unique', () => {
    const fe = frontend(['data advection1d { points 16 modes 3 }', 'emulator conv1d { kernel 2 }', 'emulator a = conv1d { kernel 3 }', 'emulator a = conv1d { kernel 3 }', 'config supervised'].join('\n'), 'x.tx');
    expect(fe.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '2:1 a file with several emulators must name each one',
      "4:10 emulator 'a' is declared twice",
    ]);
  });
});

describe('study cells', () => {
  test('the product of the vary lists, the last fastest, each a checked spec of its own', () => {
    const fe = check('study grid {', '  vary emulator [small, wide]', '  vary config [one_step, three]', '  vary lr [1e-3, 3e-4]', '  seeds 3', '  report nrmse mean up to 20', '}');
    expect(fe.diagnostics).toEqual([]);
    const s = fe.spec.study!;
    expect(s).toMatchObject({ name: 'grid', seeds: 3, report: { metric: 'nRMSE', aggregate: 'mean', upTo: 20 } });
    expect(s.axes.map((a) => [a.path, a.values])).toEqual([['emulator', ['small', 'wide']], ['config', ['one_step', 'three']], ['lr', ['1e-3', '3e-4']]]);
    expect(s.cells.map((c) => c.name)).toEqual([
      'emulator=small,config=one_step,lr=1e-3',
      'emulator=small,config=one_step,lr=3e-4',
      'emulator=small,config=three,lr=1e-3',
      'emulator=small,config=three,lr=3e-4',
      'emulator=wide,config=one_step,lr=1e-3',
      'emulator=wide,config=one_step,lr=3e-4',
      'emulator=wide,config=three,lr=1e-3',
      'emulator=wide,config=three,lr=3e-4',
    ]);
    const last = s.cells[7]!.spec;
    expect(last.emulators.map((e) => e.name)).toEqual(['wide']);
    expect(last.configs.map((c) => c.name)).toEqual(['three']);
    expect(last.train.lr).toBe(3e-4);
    expect(last.train.steps).toBe(20);
  });
  test("any block's option: data, an emulator by name, a configuration by name", () => {
    const s = check('study s { vary emulator [small, wide]  vary config [one_step, three]  vary data.cfl [0.5, -0.25]  vary small.seed [1, 2]  vary three.rollout [2] }').spec.study!;
    expect(s.cells).toHaveLength(2 * 2 * 2 * 2);
    const c = s.cells.find((x) => x.name === 'emulator=small,config=three,data.cfl=-0.25,small.seed=2,three.rollout=2')!.spec;
    expect(c.data).toMatchObject({ params: { cfl: -0.25 } });
    expect(c.emulator).toMatchObject({ seed: 2 });
    expect(c.configs[0]!.body).toMatchObject({ rollout: 2 });
  });
  test('into a nested block: a correction emulator\'s net', () => {
    const src = [
      'data advection1d { points 16  modes 3 }',
      'emulator correction { coarse advection1d { cfl 0.5  method upwind }  net conv1d { channels 1 -> 4 -> 1 } }',
      'config supervised rollout 1',
      'study s { vary emulator.net.kernel [3, 5] }',
    ];
    const fe = frontend(src.join('\n'), 'x.tx');
    expect(fe.diagnostics).toEqual([]);
    expect(fe.spec.study!.cells.map((c) => c.spec.emulator)).toMatchObject([{ net: { kernel: 3 } }, { net: { kernel: 5 } }]);
    const bad = frontend([...src.slice(0, 3), 'study s { vary emulator.mode.kernel [3] }'].join('\n'), 'x.tx');
    expect(bad.diagnostics.map((d) => [d.line, d.column, d.message, d.hint])).toEqual([[4, 25, "'emulator.mode.kernel' does not name a block of options in the emulator statement", 'the blocks it writes: coarse, net']]);
  });
  test('defaults: one seed, nRMSE, geometric mean over 100 steps', () => {
    expect(check('study s { vary emulator [small, wide]  vary config [one_step, three] }').spec.study).toMatchObject({ seeds: 1, report: { metric: 'nRMSE', aggregate: 'geometric_mean', upTo: 100 } });
  });
});

describe('study diagnostics', () => {
  test('a vary over a name that does not exist', () => {
    expect(diags('study s { vary emulator [small, wid]  vary config [one_step, three] }')).toEqual([
      { at: '7:33+3', message: "this file has no emulator named 'wid'", hint: "did you mean 'wide'?" },
    ]);
    expect(diags('study s { vary emulator [small, wide]  vary config [one_step, thre] }')[0]).toMatchObject({ at: '7:63+4', message: "this file has no configuration named 'thre'", hint: "did you mean 'three'?" });
  });
  test('a path that names nothing, with a did-you-mean', () => {
    const ds = diags('study s { vary emulator [small, wide]  vary config [one_step, three]  vary dat.gamma [1]  vary lrr [1] }');
    expect(ds).toEqual([
      { at: '7:76+3', message: "'dat' is not a statement, emulator or configuration of this file", hint: "did you mean 'data'?" },
      { at: '7:96+3', message: "cannot vary 'lrr'", hint: "did you mean 'lr'? An option of a block is written data.gamma, emulator.width or NAME.width" },
    ]);
  });
  test('the names a path may start with, each once (an unnamed emulator and configuration are both main)', () => {
    const fe = frontend(['data advection1d { points 16 modes 3 }', 'emulator conv1d { kernel 2 }', 'config supervised', 'study s { vary confg.rollout [2, 3] }'].join('\n'), 'x.tx');
    expect(fe.diagnostics.map((d) => d.hint)).toEqual(["did you mean 'config'?"]);
    const far = frontend(['data advection1d { points 16 modes 3 }', 'emulator conv1d { kernel 2 }', 'config supervised', 'study s { vary xyz.rollout [2, 3] }'].join('\n'), 'x.tx');
    expect(far.diagnostics.map((d) => d.hint)).toEqual(['expected one of: data, train, reference, residuum, emulator, config, main']);
  });
  test("config.rollout varies every configuration's rollout, an unnamed one's too", () => {
    const fe = frontend(['data advection1d { points 16 modes 3 }', 'emulator conv1d { kernel 2 }', 'config supervised', 'study s { vary config.rollout [2, 3] }'].join('\n'), 'x.tx');
    expect(fe.diagnostics).toEqual([]);
    expect(fe.spec.study!.cells.map((c) => (c.spec.configs[0]!.body as { rollout: number }).rollout)).toEqual([2, 3]);
  });
  test("a value or option the block refuses is reported by the block's checker, at the study's line", () => {
    const ds = diags('study s { vary emulator [small, wide]  vary config [one_step, three]  vary lr [1e-3, -1]  vary data.gama [0.1] }');
    expect(ds).toEqual([
      { at: '7:86+2', message: "'lr' must be positive, got -1", hint: 'e.g. lr 0.001' },
      { at: '7:101+4', message: "unknown option 'gama' for advection1d data", hint: expect.stringContaining('cfl') },
    ]);
  });
  test('emulators and configurations the study does not vary; an empty study', () => {
    expect(diags('study s { vary lr [1e-3] }').map((d) => d.message)).toEqual([
      "this file declares 2 emulators, but study 's' does not vary them",
      "this file declares 2 configurations, but study 's' does not vary them",
    ]);
    expect(diags('study s { seeds 2 }').map((d) => d.message)).toEqual(["study 's' varies nothing"]);
  });
  test('seeds and report', () => {
    const ds = diags('study s { vary emulator [small, wide]  vary config [one_step, three]  seeds 0  seed 2  report nrmsee  report nRMSE median }');
    expect(ds.map((d) => [d.at, d.message, d.hint])).toEqual([
      ['7:71+7', "'seeds' expects a whole number from 1 to 1000", 'e.g. seeds 5: each cell trained 5 times, seed offsets 0 to 4'],
      ['7:80+4', "unknown study item 'seed'", "did you mean 'seeds'?"],
      ['7:95+6', "unknown metric 'nrmsee'", expect.stringContaining('nRMSE')],
      ['7:116+6', "unknown aggregate 'median'", "did you mean 'mean'?"],
    ]);
  });
  test('a value that breaks a cell once is reported once, not per cell, at the value', () => {
    const ds = diags('study s { vary emulator [small, wide]  vary config [one_step, three]  vary data.snapshots [3] }');
    // column 92 is the 3 in [3]: an axis of one value against the file's own snapshots 12.
    expect(ds).toEqual([{ at: '7:92+1', message: 'this configuration needs windows of 4 snapshots, but the data has trajectories of 3', hint: expect.stringContaining('at least 4') }]);
  });
  test("a mistake in the file itself is reported once, not again by every cell", () => {
    const typos = (text: string) => text.replace('kernel 2', 'kernal 2').replace('lr 1e-2', 'lr -1').replace('modes 3', 'mode 3');
    const fe = frontend(typos([...HEAD, 'study s { vary emulator [small, wide]  vary config [one_step, three] }'].join('\n')), 'spec.tx');
    expect(fe.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      "1:72 unknown option 'mode' for advection1d data",
      "2:44 unknown option 'kernal' for a conv1d emulator",
      "6:12 'lr' must be positive, got -1",
    ]);
  });
  test("a rollout a varied value makes too long points at that value, with the checker's message", () => {
    // Column 63 is the 20 of [4, 20]; rollout 20 needs 21 snapshots, the data has 12.
    expect(diags('study s { vary emulator [small, wide]  vary three.rollout [4, 20]  vary config [one_step, three] }')).toEqual([
      { at: '7:63+2', message: 'this configuration needs windows of 21 snapshots, but the data has trajectories of 12', hint: "raise 'snapshots' in the data to at least 21, or shorten the rollout" },
    ]);
  });
  test('grid sizes a unet cannot halve point at the varied points, each once', () => {
    const fe = frontend(
      [HEAD[0]!.replace('points 16', 'points 32'), 'emulator small = conv1d { kernel 2 }', 'emulator u = unet { width 2  levels 2 }', ...HEAD.slice(3), 'study s { vary emulator [small, u]  vary config [one_step, three]  vary data.points [32, 30, 31] }'].join('\n'),
      'spec.tx',
    );
    // Columns 90 and 94: the 30 and the 31 of [32, 30, 31].
    expect(fe.diagnostics.map((d) => `${d.line}:${d.column}+${d.length} ${d.message}`)).toEqual([
      "7:90+2 a unet with 2 levels halves the field 2 times, so every spatial size must divide by 4, but the data's states are [1, 30]",
      "7:94+2 a unet with 2 levels halves the field 2 times, so every spatial size must divide by 4, but the data's states are [1, 31]",
    ]);
  });
  test('a warning a cell gives stays a warning, at the value that causes it', () => {
    const fe = frontend([...HEAD.slice(0, 3), 'config c = supervised rollout 5 cut_bptt every 3', HEAD[5]!, 'study s { vary emulator [small, wide]  vary c.rollout [2, 5] }'].join('\n'), 'spec.tx');
    // Rollout 2 has no level after the 3rd to cut; rollout 5 has. Column 56 is the 2.
    expect(fe.diagnostics.map((d) => `${d.severity} ${d.line}:${d.column} ${d.message}`)).toEqual([
      "warning 6:56 'cut_bptt every 3' cuts nothing: the chain has 2 time levels, and a cut after the last one feeds nothing",
    ]);
  });
  test("a mistake of the emulator a cell picks stays on the emulator's line", () => {
    // points 30 is the file's and every cell's: the unet's own mistake, found only in its cells.
    const fe = frontend(
      [HEAD[0]!.replace('points 16', 'points 30'), 'emulator small = conv1d { kernel 2 }', 'emulator u = unet { width 2  levels 2 }', ...HEAD.slice(3), 'study s { vary emulator [small, u]  vary config [one_step, three]  vary lr [1e-3, 1e-2] }'].join('\n'),
      'spec.tx',
    );
    expect(fe.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      "3:1 a unet with 2 levels halves the field 2 times, so every spatial size must divide by 4, but the data's states are [1, 30]",
    ]);
  });
});
