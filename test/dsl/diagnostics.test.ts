// One test per diagnostic class, on the exact message, position and hint.
import { describe, expect, test } from 'vitest';
import { formatDiagnostic } from '../../src/util/diagnostics.js';
import { frontend } from '../../src/frontend.js';

const DATA = 'data advection1d { points 30  trajectories 20  snapshots 100  cfl -0.75 }';
const EMU = 'emulator conv1d { channels 1 -> 1  kernel 2  padding circular  bias false }';
const REF = 'reference advection1d { cfl -0.75 }';

/** Diagnostics of a file made of the given lines. */
function diags(...lines: string[]) {
  return frontend(lines.join('\n') + '\n', 'spec.tx').diagnostics.map((d) => ({
    at: `${d.line}:${d.column}+${d.length}`,
    message: d.message,
    hint: d.hint,
  }));
}

describe('syntax', () => {
  test('a missing closing brace points at what came instead', () => {
    expect(diags('data advection1d { points 30', EMU, 'config supervised')).toEqual([
      { at: '2:1+8', message: "expected '}' but found 'emulator'", hint: 'settings are written as: { key value  key value }' },
    ]);
  });
  test('a stray character', () => {
    expect(diags(DATA, EMU, 'config supervised rollout 2 $')[0]).toEqual({
      at: '3:29+1',
      message: "unexpected character '$'",
      hint: "'#' starts a comment; names use letters, digits and '_'",
    });
  });
  test('a broken expression', () => {
    expect(diags(DATA, EMU, 'reference f(u) = u - * 3', 'config supervised')[0]).toMatchObject({
      at: '3:22+1',
      message: "expected an expression but found '*'",
    });
  });
  test('recovery reports every error in the file, not just the first', () => {
    const ds = diags('data advection1d { points 30', EMU, 'config supervised rollout 2 $', 'config x = ', 'train { steps 10 }');
    expect(ds.map((d) => d.at)).toEqual(['2:1+8', '3:29+1', '5:1+5']);
  });
});

describe('unknown words, with suggestions', () => {
  test('option', () => {
    expect(diags(DATA, EMU, 'config supervised rolout 4')).toEqual([
      { at: '3:19+6', message: "unknown option 'rolout' for a supervised configuration", hint: "did you mean 'rollout'?" },
    ]);
  });
  test('option with a word value gives one error, not two', () => {
    expect(diags(DATA, EMU, 'config supervised los mse')).toEqual([
      { at: '3:19+3', message: "unknown option 'los' for a supervised configuration", hint: "did you mean 'loss'?" },
    ]);
  });
  test('a transposed pair of letters is one slip: widht, nRSME', () => {
    expect(diags(DATA, 'emulator resnet { widht 8  blocks 2 }', 'config supervised')).toEqual([
      { at: '2:19+5', message: "unknown option 'widht' for a resnet emulator", hint: "did you mean 'width'?" },
    ]);
    const study = ['emulator a = conv1d { kernel 2 }', 'config supervised', 'study s { vary lr [1e-3, 1e-2]  report nRSME }'];
    expect(diags(DATA, ...study)).toEqual([
      { at: '4:40+5', message: "unknown metric 'nRSME'", hint: expect.stringMatching(/^did you mean 'nRMSE'\? the metrics are MAE, /) },
    ]);
  });
  test("a missing emulator's example fits the data's states", () => {
    const hint = (data: string) => diags(data, 'config supervised').find((d) => d.message === 'no emulator declared')!.hint;
    expect(hint(DATA)).toBe('e.g. emulator conv { channels 1 -> 1  kernel 3  padding circular }');
    // Gray–Scott has two fields (u, v); Lorenz-63's three numbers have no space for a convolution.
    expect(hint('data gray_scott { dims 2  points 16 }')).toBe('e.g. emulator conv { channels 2 -> 2  kernel 3  padding circular }');
    expect(hint('data lorenz63 { }')).toBe('e.g. emulator mlp { width 64  depth 3 }');
  });
  test("a setting written 'key: value'", () => {
    expect(diags('data advection1d { points: 32  trajectories 20 }', EMU, 'config supervised')[0]).toEqual({
      at: '1:26+1',
      message: "unexpected character ':'",
      hint: "write `points 32` (no colon): a block's settings are key value pairs",
    });
  });
  test("a configuration's name without its '='", () => {
    expect(diags(DATA, EMU, 'config one_step supervised rollout 1')).toEqual([
      { at: '3:8+8', message: "unknown configuration 'one_step'", hint: 'a named configuration is written config one_step = supervised …' },
    ]);
  });
  test('configuration kind', () => {
    expect(diags(DATA, EMU, 'config supervisd rollout 2')).toEqual([
      { at: '3:8+9', message: "unknown configuration 'supervisd'", hint: "did you mean 'supervised'?" },
    ]);
  });
  test('option value', () => {
    expect(diags(DATA, 'emulator conv1d { padding circulr }', 'config supervised')).toEqual([
      { at: '2:27+7', message: "unknown padding 'circulr'", hint: "did you mean 'circular'?" },
    ]);
  });
  test('data generator', () => {
    expect(diags('data advecton1d { }', EMU, 'config supervised')).toEqual([
      { at: '1:6+10', message: "unknown data generator 'advecton1d'", hint: "did you mean 'advection1d'?" },
      { at: '3:1+17', message: 'no data declared', hint: 'e.g. data advection1d { points 30 trajectories 20 snapshots 100 cfl -0.75 }' },
    ]);
  });
  test('function in an expression', () => {
    expect(diags(DATA, EMU, 'reference f(u) = u - shft(u, 1)', 'config supervised')).toEqual([
      { at: '3:22+10', message: "unknown function 'shft'", hint: "did you mean 'shift'?" },
    ]);
  });
  test('name in an expression', () => {
    expect(diags(DATA, EMU, 'reference f(u) = u - c * shift(u, 1)', 'config supervised')).toEqual([
      { at: '3:22+1', message: "unknown name 'c'", hint: "did you mean 'u'?; constants are bound with: where c = 0.5" },
    ]);
  });
});

describe('configuration rules', () => {
  test('branch longer than the rollout', () => {
    expect(diags(DATA, EMU, REF, 'config diverted rollout 2 branch 3')).toEqual([
      { at: '4:34+1', message: 'branch 3 is longer than rollout 2', hint: 'a branch leaves the main chain and must end within the rollout: branch <= rollout' },
    ]);
  });
  test('weights of the wrong length', () => {
    expect(diags(DATA, EMU, 'config supervised rollout 3 weights [0, 1]')).toEqual([
      { at: '3:37+6', message: "'weights' has 2 entries, but this configuration needs 3", hint: 'one weight per rollout step, e.g. weights [1, 1, 1]' },
    ]);
  });
  test('mix weights cover the whole main chain', () => {
    expect(diags(DATA, EMU, REF, 'config mix rollout 1 post_physics 2 weights [0, 1]')[0]).toMatchObject({
      message: "'weights' has 2 entries, but this configuration needs 3",
      hint: 'one weight per time level of the main chain, e.g. weights [1, 1, 1]',
    });
  });
  test('every below 1', () => {
    expect(diags(DATA, EMU, 'config supervised rollout 4 cut_bptt every 0')).toEqual([
      { at: '3:44+1', message: "'cut_bptt every' must be a positive integer, got 0", hint: 'e.g. cut_bptt every 2' },
    ]);
  });
  test("a configuration that needs a reference stepper the file does not declare: the example is the data's system", () => {
    expect(diags(DATA, EMU, 'config diverted rollout 2')).toEqual([
      {
        at: '3:8+18',
        message: 'a diverted configuration runs the reference stepper, but this file declares none',
        hint: "e.g. reference advection {}, which takes the data block's options",
      },
    ]);
    const planar = 'data diffusion { dims 2  points 16  trajectories 4  snapshots 8  gamma 0.1 }';
    expect(diags(planar, 'emulator conv { channels 1 -> 1  kernel 3 }', 'config diverted rollout 2')[0]!.hint).toBe("e.g. reference diffusion {}, which takes the data block's options");
    expect(diags('data diff_burgers { points 32 }', EMU, 'config diverted rollout 2')[0]!.hint).toBe("e.g. reference diff_burgers {}, which takes the data block's options");
  });
  test('a residuum configuration without a residuum', () => {
    expect(diags(DATA, EMU, 'config residuum rollout 2')[0]).toMatchObject({
      at: '3:8+18',
      message: 'a residuum configuration needs a residuum, but this file declares none',
    });
  });
  test('data trajectories shorter than the window', () => {
    expect(diags('data advection1d { snapshots 4 }', EMU, 'config supervised rollout 5')).toEqual([
      {
        at: '3:8+20',
        message: 'this configuration needs windows of 6 snapshots, but the data has trajectories of 4',
        hint: "raise 'snapshots' in the data to at least 6, or shorten the rollout",
      },
    ]);
  });
  test('a non-differentiable reference through which a gradient would flow', () => {
    expect(diags(DATA, EMU, `${REF} nondifferentiable`, 'config diverted_one rollout 2')).toEqual([
      {
        at: '4:1+29',
        message: 'a gradient flows through the reference stepper (first at %r2), but it is declared nondifferentiable',
        hint: 'add cut_div_chain so the reference branch starts from a detached state, or drop nondifferentiable',
      },
    ]);
  });
  test('a non-differentiable reference is fine where every path is cut', () => {
    expect(diags(DATA, EMU, `${REF} nondifferentiable`, 'config diverted_one rollout 2 cut_div_chain')).toEqual([]);
    expect(diags(DATA, EMU, `${REF} nondifferentiable`, 'config mix rollout 1 post_physics 2 cut_bptt')).toEqual([]);
  });
  test('several unnamed configurations', () => {
    expect(diags(DATA, EMU, 'config supervised', 'config supervised rollout 2').map((d) => d.message)).toEqual([
      'a file with several configurations must name each one',
      'a file with several configurations must name each one',
    ]);
  });
  test('an emulator whose channels do not match the data', () => {
    expect(diags(DATA, 'emulator conv1d { channels 2 -> 8 -> 2 }', 'config supervised')).toEqual([
      { at: '2:1+40', message: "the emulator maps 2 to 2 channels, but the data's states have 1", hint: 'e.g. channels 1 -> 16 -> 1' },
    ]);
  });
});

describe('settings that do nothing: warnings', () => {
  const warnings = (config: string) =>
    frontend([DATA, EMU, REF, `config ${config}`].join('\n') + '\n', 'spec.tx').diagnostics.map((d) => `${d.severity} ${d.line}:${d.column} ${d.message}`);
  test('a cut after the last time level (every >= the levels) feeds nothing', () => {
    expect(warnings('supervised rollout 5 cut_bptt every 5')).toEqual([
      "warning 4:29 'cut_bptt every 5' cuts nothing: the chain has 5 time levels, and a cut after the last one feeds nothing",
    ]);
    expect(warnings('supervised rollout 1 cut_bptt')).toEqual(["warning 4:29 'cut_bptt' cuts nothing: the chain has 1 time level, and a cut after the last one feeds nothing"]);
    expect(warnings('diverted rollout 3 cut_bptt every 7')[0]).toMatch(/^warning 4:27 'cut_bptt every 7' cuts nothing/);
    // A mix counts every level of its chain; the cut after its one emulator step keeps the solver levels' losses off the emulator.
    expect(warnings('mix rollout 1 post_physics 2 cut_bptt')).toEqual([]);
    expect(warnings('supervised rollout 5 cut_bptt every 4')).toEqual([]);
  });
  test('in teacher forcing, a cut at a level that resets to the data', () => {
    expect(warnings('teacher_forcing rollout 4 cut_bptt')).toEqual([
      "warning 4:34 'cut_bptt' cuts nothing: reset every 1 (the default) resets the chain to the data after every step",
    ]);
    expect(warnings('teacher_forcing rollout 6 reset every 2 cut_bptt every 4')).toEqual([
      "warning 4:48 'cut_bptt every 4' cuts nothing: every level it would cut after resets to the data (reset every 2)",
    ]);
    expect(warnings('teacher_forcing rollout 4 reset every 2 cut_bptt')).toEqual([]);
  });
  test("a diverted chain's weights past its last branch", () => {
    // rollout 3 branch 2: branches start at levels 0 and 1 (3 - 2 + 1 = 2 of them), so w[2] weighs nothing.
    expect(warnings('diverted rollout 3 branch 2 weights [1, 2, 3]')).toEqual([
      "warning 4:44 the last of the 3 'weights' is never used: rollout 3 branch 2 starts 2 branches, weighted by the first 2",
    ]);
    expect(warnings('diverted rollout 4 branch 4 weights [1, 1, 1, 1]')[0]).toMatch(/^warning 4:44 the last 3 of the 4 'weights' are never used: rollout 4 branch 4 starts 1 branch, weighted by the first$/);
    expect(warnings('diverted rollout 3 branch 1 weights [1, 2, 3]')).toEqual([]);
    expect(warnings('diverted rollout 3 branch 2')).toEqual([]);
  });
});

describe('numbers out of range', () => {
  test('negative steps and zero batch', () => {
    expect(diags(DATA, EMU, 'config supervised', 'train { steps -5  batch 0 }')).toEqual([
      { at: '4:15+2', message: "'steps' must be at least 1, got -5", hint: 'e.g. steps 1000' },
      { at: '4:25+1', message: "'batch' must be at least 1, got 0", hint: 'e.g. batch 32' },
    ]);
  });
  test('a CFL outside the stable range', () => {
    expect(diags('data advection1d { cfl 1.5 }', EMU, 'config supervised')[0]).toMatchObject({
      at: '1:24+3',
      message: "'cfl' must be in [-1, 1], got 1.5",
    });
  });
  test('a value of the wrong type', () => {
    expect(diags(DATA, 'emulator conv1d { bias maybe }', 'config supervised')[0]).toMatchObject({
      at: '2:24+5',
      message: "'bias' expects true or false",
      hint: 'e.g. bias true',
    });
  });
  test('a repeated option', () => {
    expect(diags(DATA, EMU, 'config supervised rollout 2 rollout 3')[0]).toMatchObject({ at: '3:29+7', message: "'rollout' is given twice" });
  });
});

describe('training options', () => {
  const train = (block: string) => diags(DATA, EMU, 'config supervised', block);
  test('a negative warm-up', () => {
    expect(train('train { schedule warmup_cosine { warmup -5 }  steps 100 }')).toEqual([{ at: '4:41+2', message: "'warmup' must be at least 0, got -5", hint: 'e.g. warmup 1' }]);
  });
  test('a warm-up as long as the run leaves the cosine no steps', () => {
    expect(train('train { schedule warmup_cosine { warmup 100 }  steps 100 }')).toEqual([
      { at: '4:41+3', message: "the warm-up of 100 steps leaves no steps of the run's 100 for the cosine decay", hint: 'use a warm-up shorter than the run, e.g. warmup 10' },
    ]);
  });
  test('a warmup_cosine schedule without its warm-up', () => {
    expect(train('train { schedule warmup_cosine  steps 100 }')).toEqual([
      { at: '4:18+13', message: "the warmup_cosine schedule needs 'warmup', the steps of its linear warm-up", hint: 'e.g. schedule warmup_cosine { warmup 1000  peak 1e-3  end 0 }' },
    ]);
  });
  test('clip_norm must be positive', () => {
    expect(train('train { clip_norm 0 }')).toEqual([{ at: '4:19+1', message: "'clip_norm' must be positive, got 0", hint: 'e.g. clip_norm 0.5' }]);
  });
  test('a misspelt schedule, and a misspelt option of one', () => {
    expect(train('train { schedule warmup_cosin { warmup 5 } }')).toEqual([{ at: '4:18+12', message: "unknown schedule 'warmup_cosin'", hint: "did you mean 'warmup_cosine'?" }]);
    expect(train('train { schedule warmup_cosine { warmup 5  peek 1e-2 } }')).toEqual([{ at: '4:44+4', message: "unknown option 'peek' for the warmup_cosine schedule", hint: "did you mean 'peak'?" }]);
  });
  test('options after a word that takes none', () => {
    expect(train('train { schedule cosine { warmup 5 } }')).toEqual([{ at: '4:25+12', message: "'schedule cosine' takes no options", hint: 'only schedule warmup_cosine takes a { … } block' }]);
  });
  test('the learning rate set twice', () => {
    expect(train('train { lr 1e-3  schedule warmup_cosine { warmup 5  peak 1e-2 } }')).toEqual([
      { at: '4:9+7', message: "'lr' and the schedule's 'peak' both set the learning rate", hint: "keep one: 'peak' is the rate the warm-up reaches" },
    ]);
  });
  test("APEBench's defaults, adamw, clipping and evaluation check", () => {
    expect(train('train { optimizer adamw { weight_decay 0.01 }  schedule warmup_cosine { warmup 10  init 0  peak 1e-3  end 0 }  clip_norm 1.0  eval every 100 }')).toEqual([]);
  });
});

describe('the printed form', () => {
  test('file:line:col, the source line, a caret under the span, a hint', () => {
    const src = `${DATA}\n${EMU}\nconfig supervised rolout 4\n`;
    const d = frontend(src, 'spec.tx').diagnostics[0]!;
    expect(formatDiagnostic(d, src)).toBe(
      [
        "spec.tx:3:19: error: unknown option 'rolout' for a supervised configuration",
        '   3 | config supervised rolout 4',
        '     |                   ^^^^^^',
        "  hint: did you mean 'rollout'?",
      ].join('\n'),
    );
  });
});

describe('composites', () => {
  test("a flag before the next part's weight stays a flag", () => {
    expect(diags(DATA, EMU, REF, 'config composite { 0.5 * diverted rollout 2 cut_div_chain  0.5 * supervised rollout 2 cut_bptt  -1 * supervised }')).toEqual([]);
  });
});

describe('fields in 2-D and 3-D', () => {
  const DATA2 = 'data diffusion { dims 2  points 16  trajectories 4  snapshots 10 }';
  const MLP = 'emulator mlp { width 8 }';
  /** Diagnostics of a 2-D spec whose mix configuration runs `reference`. */
  const withReference = (reference: string) => diags(DATA2, MLP, `reference ${reference}`, 'config mix rollout 1 post_physics 1');
  test('a spectral reference on a 2-D or 3-D field is exact through the FFT (ETDRK0)', () => {
    expect(withReference('diffusion { gamma 0.1  method spectral }')).toEqual([]);
    expect(diags('data advection { dims 3  points 8  trajectories 4  snapshots 10  modes 2 }', MLP, 'reference advection { cfl 0.5 }', 'config supervised')).toEqual([]);
  });
  test('a 1-D alias with other dims names the system', () => {
    expect(diags('data burgers1d { dims 2  points 16 }', MLP, 'config supervised')).toEqual([
      { at: '1:18+6', message: "'burgers1d' is the 1-D burgers, but dims is 2", hint: 'write data burgers { dims 2 … }' },
    ]);
  });
  test('dims is 1 to 3', () => {
    expect(diags('data advection { dims 4 }', MLP, 'config supervised')[0]).toMatchObject({ at: '1:23+1', message: "'dims' must be at most 3, got 4" });
  });
  test('the data budget counts every axis', () => {
    expect(diags('data diffusion { dims 3  points 512  trajectories 20  snapshots 100 }', MLP, 'config supervised')[0]).toMatchObject({
      at: '1:1+69',
      message: 'this data set would hold 268435456000 numbers; txc generates at most 268435456',
    });
  });
  test('a finite-difference reference needs the same points on every axis', () => {
    const src = `data file "x.npy"\n${MLP}\nreference advection { cfl 0.5  method upwind }\nconfig supervised\n`;
    expect(frontend(src, 'spec.tx', () => [1, 8, 16]).diagnostics.map((d) => d.message)).toEqual([
      "the advection solver needs the same number of points on every spatial axis, but the data's states are [1, 8, 16]",
    ]);
  });
  test('cfl per axis: one number for each of the data\'s axes', () => {
    expect(diags('data advection { dims 2  points 16  cfl [0.5, 0.2, 0.1] }', MLP, 'config supervised')).toEqual([
      { at: '1:41+15', message: 'cfl has 3 values but the data have 2 spatial axes', hint: 'give one number per axis, or one for all' },
    ]);
    expect(diags('data advection { dims 2  points 16  cfl [0.5, 2] }', MLP, 'config supervised')[0]).toMatchObject({ at: '1:47+1', message: "'cfl' must be in [-1, 1], got 2" });
    expect(withReference('advection { cfl [0.5]  method upwind }')[0]).toMatchObject({
      at: '3:11+38',
      message: "the advection solver's cfl has 1 value, but the data's states [1, 16, 16] have 2 spatial axes",
    });
    expect(withReference('advection { cfl [0.5, -0.5]  method upwind }')).toEqual([]);
  });
  test('zero padding with a spectral reference', () => {
    const [d] = withReference('diffusion { gamma 0.1  padding zero }');
    expect(d).toEqual({ at: '3:42+4', message: 'the spectral diffusion reference is periodic; zero padding needs a finite-difference method', hint: 'use method ftcs with padding zero, or padding circular' });
  });
  test('a 2-D field trains with a finite-difference reference', () => {
    expect(diags(DATA2, MLP, 'reference diffusion { gamma 0.1  method ftcs }', 'config diverted_one rollout 2')).toEqual([]);
  });
});
