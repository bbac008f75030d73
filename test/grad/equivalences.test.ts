// Configurations that the semantics (shared/reference/trainax-semantics.md)
// say are equal, or are sums of simpler ones, compared on losses AND
// gradients to 1e-10 relative — each side compiled from its own text through
// every pass, so a mistake in lowering, simplification, inlining or autodiff
// shows as a disagreement.
//
// The emulator is nonlinear (conv 1 -> 4 -> 1, kernel 3, tanh, biases: 29
// parameters), so no equality here holds by linearity by accident.
import { describe, expect, it } from 'vitest';
import { advectionSpectral, stepBatch } from '../../src/data/steppers.js';
import type { Tensor } from '../../src/ops/op.js';
import type { Params } from '../../src/runtime/params.js';
import {
  addGrads,
  byName,
  compileAll,
  expectGradsClose,
  expectRel,
  forwardValues,
  lossAndGrad,
  maxAbs,
  paramsFor,
  relDiff,
  subWindows,
  windowsOf,
  type Compiled,
} from './helpers.js';

const CFL = -0.75;
const POINTS = 12;
// The data generator advances with the spectral stepper at the data's cfl; the
// reference is the same stepper at the same cfl, so data = reference chain.
const HEADER = `
data advection1d { points ${POINTS}  trajectories 3  snapshots 14  cfl ${CFL}  modes 3  seed 4 }
emulator conv1d { channels 1 -> 4 -> 1  kernel 3  padding circular  activation tanh  bias true  seed 1 }
reference advection1d { cfl ${CFL}  method spectral }
residuum upwind(next, prev) = next - prev + c * (shift(prev, -1) - prev)  where c = ${CFL}
train { batch 3  steps 1  seed 5 }
`;

const TOL = 1e-10;
/** Longest window any configuration below reads (supervised rollout 10). */
const WINDOW = 11;

/** Compiles `config <name> = <text>` for each entry, all in one spec. */
function compile(configs: Record<string, string>): Map<string, Compiled> {
  const text = HEADER + Object.entries(configs).map(([n, c]) => `config ${n} = ${c}\n`).join('');
  const all = compileAll(text, 'equivalences.tx');
  return new Map(Object.keys(configs).map((n) => [n, byName(all, n)]));
}

// Three windows from different trajectories and starts; parameters drawn once.
const probe = compile({ probe: 'supervised rollout 1' }).get('probe')!;
const WINDOWS = windowsOf(probe, [0, 5, 9], WINDOW);
const PARAMS = paramsFor(probe, 11);

function run(c: Compiled, windows: Tensor = WINDOWS): { loss: number; grads: Params } {
  return lossAndGrad(c, PARAMS, windows);
}

function expectSame(a: { loss: number; grads: Params }, b: { loss: number; grads: Params }, what: string): void {
  expectRel(a.loss, b.loss, TOL, `${what} loss`);
  expectGradsClose(a.grads, b.grads, TOL, `${what} gradient`);
  // Not trivially equal: the gradient is there to compare.
  expect(maxAbs(a.grads)).toBeGreaterThan(1e-6);
}

/** mse per sample (mean over the state), then the batch mean; `a`, `b` are [B, ...state]. */
function mse(a: Float64Array, b: Float64Array, batch: number): number {
  const n = a.length / batch;
  let total = 0;
  for (let s = 0; s < batch; s++) {
    let e = 0;
    for (let i = s * n; i < (s + 1) * n; i++) e += (a[i]! - b[i]!) ** 2;
    total += e / n;
  }
  return total / batch;
}

/** Snapshot t of every window: [B, 1, N]. */
function snapshot(w: Tensor, t: number): Tensor {
  const s = subWindows(w, t, 1);
  return { shape: [s.shape[0]!, ...s.shape.slice(2)], data: s.data };
}

/** A window tensor [B, T, 1, N] from T states [B, 1, N]. */
function stack(states: Tensor[]): Tensor {
  const b = states[0]!.shape[0]!;
  const size = states[0]!.data.length / b;
  const data = new Float64Array(b * states.length * size);
  states.forEach((s, t) => {
    for (let i = 0; i < b; i++) data.set(s.data.subarray(i * size, (i + 1) * size), (i * states.length + t) * size);
  });
  return { shape: [b, states.length, ...states[0]!.shape.slice(1)], data };
}

describe('the data is the reference chain', () => {
  it('each snapshot is the spectral stepper of the previous one (1e-12)', () => {
    // The premise of `diverted rollout R branch R = supervised rollout R`.
    const P = advectionSpectral(POINTS, CFL);
    for (let t = 0; t + 1 < WINDOW; t++) {
      const next = stepBatch(P, snapshot(WINDOWS, t).data, POINTS);
      expect(relDiff(next, snapshot(WINDOWS, t + 1).data)).toBeLessThan(1e-12);
    }
  });
});

describe('diverted rollout R branch 1 = diverted_one rollout R', () => {
  const variants = ['', 'cut_bptt', 'cut_div_chain', 'cut_bptt cut_div_chain'];
  const cases: [number, string][] = [];
  for (let R = 1; R <= 5; R++) for (const v of variants) cases.push([R, v]);
  for (let R = 1; R <= 10; R++) for (const v of ['cut_bptt every 3', 'cut_bptt every 3 cut_div_chain']) cases.push([R, v]);
  const configs: Record<string, string> = {};
  cases.forEach(([R, v], k) => {
    configs[`g${k}`] = `diverted rollout ${R} branch 1 ${v}`;
    configs[`o${k}`] = `diverted_one rollout ${R} ${v}`;
  });
  const c = compile(configs);

  it.each(cases.map(([R, v], k) => [R, v, k] as const))('rollout %i %s', (R, v, k) => {
    expectSame(run(c.get(`g${k}`)!), run(c.get(`o${k}`)!), `rollout ${R} ${v}`);
  });
});

describe('diverted rollout R branch R = supervised rollout R on data made by the reference', () => {
  const cases: [number, string][] = [];
  for (let R = 1; R <= 5; R++) for (const v of ['', 'cut_bptt', 'cut_bptt every 2']) cases.push([R, v]);
  const configs: Record<string, string> = {};
  cases.forEach(([R, v], k) => {
    configs[`d${k}`] = `diverted rollout ${R} branch ${R} ${v}`;
    configs[`s${k}`] = `supervised rollout ${R} ${v}`;
  });
  const c = compile(configs);

  it.each(cases.map(([R, v], k) => [R, v, k] as const))('rollout %i %s', (R, v, k) => {
    expectSame(run(c.get(`d${k}`)!), run(c.get(`s${k}`)!), `rollout ${R} ${v}`);
  });

  it('and branch weights are the supervised weights', () => {
    const w = compile({ d: 'diverted rollout 3 branch 3 branch_weights [0.5, 2, 0.25]', s: 'supervised rollout 3 weights [0.5, 2, 0.25]' });
    expectSame(run(w.get('d')!), run(w.get('s')!), 'weighted');
  });
});

describe('teacher forcing', () => {
  const one = compile({ one: 'supervised rollout 1', two: 'supervised rollout 2' });
  /** sum_t w[t] * (supervised rollout 1 on the window (data[t-1], data[t])). */
  function oneStepSum(weights: number[]) {
    const parts = weights.map((w, k) => ({ w, r: run(one.get('one')!, subWindows(WINDOWS, k, 2)) }));
    return { loss: parts.reduce((a, p) => a + p.w * p.r.loss, 0), grads: addGrads(parts.map((p) => ({ w: p.w, g: p.r.grads }))) };
  }

  for (let R = 1; R <= 5; R++)
    it(`teacher_forcing rollout ${R} reset every 1 = the sum of one-step losses along the window`, () => {
      const tf = compile({ tf: `teacher_forcing rollout ${R} reset every 1` }).get('tf')!;
      expectSame(run(tf), oneStepSum(Array<number>(R).fill(1)), `rollout ${R}`);
    });

  it('with weights: the weighted sum of one-step losses', () => {
    const tf = compile({ tf: 'teacher_forcing rollout 3 reset every 1 weights [0.5, 2, 0.25]' }).get('tf')!;
    expectSame(run(tf), oneStepSum([0.5, 2, 0.25]), 'weighted');
  });

  it('reset every 2 over 4 steps = two supervised rollout 2 on the window halves', () => {
    const tf = compile({ tf: 'teacher_forcing rollout 4 reset every 2' }).get('tf')!;
    const a = run(one.get('two')!, subWindows(WINDOWS, 0, 3));
    const b = run(one.get('two')!, subWindows(WINDOWS, 2, 3));
    expectSame(run(tf), { loss: a.loss + b.loss, grads: addGrads([{ w: 1, g: a.grads }, { w: 1, g: b.grads }]) }, 'reset every 2');
  });

  it('a reset that never comes before the last step is plain supervised', () => {
    // The reset after step R replaces a state nothing reads.
    const c = compile({ tf: 'teacher_forcing rollout 3 reset every 3', s: 'supervised rollout 3' });
    expectSame(run(c.get('tf')!), run(c.get('s')!), 'reset every 3');
  });
});

describe('supervised rollout R weights [0, ..., 0, 1] = the last step alone', () => {
  // Independently of the zero-weight simplification: without cuts the last
  // step's loss is (rollout R, all weights 1) - (rollout R-1, all weights 1),
  // and so is its gradient.
  for (let R = 2; R <= 5; R++)
    it(`rollout ${R}`, () => {
      const w = [...Array<number>(R - 1).fill(0), 1];
      const c = compile({ last: `supervised rollout ${R} weights [${w.join(', ')}]`, all: `supervised rollout ${R}`, before: `supervised rollout ${R - 1}` });
      const all = run(c.get('all')!);
      const before = run(c.get('before')!);
      const diff = { loss: all.loss - before.loss, grads: addGrads([{ w: 1, g: all.grads }, { w: -1, g: before.grads }]) };
      // The difference cancels most of the sum: compare relative to the sum's scale.
      const last = run(c.get('last')!);
      expect(Math.abs(last.loss - diff.loss)).toBeLessThan(TOL * all.loss);
      for (const [k, g] of last.grads) expect(relDiff(g.data, diff.grads.get(k)!.data, maxAbs(all.grads))).toBeLessThan(TOL);
      expect(maxAbs(last.grads)).toBeGreaterThan(1e-6);
    });
});

describe('composite { a * X  b * Y } = a X + b Y', () => {
  const cases: [string, [number, string][]][] = [
    ['two parts', [[0.3, 'supervised rollout 2'], [0.7, 'diverted rollout 3 branch 2 cut_div_chain']]],
    [
      'three parts of different kinds and window lengths',
      [[1.5, 'residuum rollout 2 cut_prev'], [0.25, 'teacher_forcing rollout 4 reset every 2 cut_bptt'], [2, 'mix rollout 1 post_physics 2']],
    ],
    ['the same part twice', [[0.5, 'supervised rollout 3 cut_bptt every 2'], [0.5, 'supervised rollout 3 cut_bptt every 2']]],
  ];
  it.each(cases)('%s', (_, parts) => {
    const configs: Record<string, string> = { comp: `composite { ${parts.map(([a, x]) => `${a} * ${x}`).join('  ')} }` };
    parts.forEach(([, x], k) => (configs[`p${k}`] = x));
    const c = compile(configs);
    const runs = parts.map(([a], k) => ({ w: a, r: run(c.get(`p${k}`)!) }));
    const sum = { loss: runs.reduce((s, p) => s + p.w * p.r.loss, 0), grads: addGrads(runs.map((p) => ({ w: p.w, g: p.r.grads }))) };
    expectSame(run(c.get('comp')!), sum, 'composite');
  });
});

describe('residuum', () => {
  const c = compile({
    both: 'residuum rollout 3 cut_next cut_prev',
    bothBptt: 'residuum rollout 3 cut_next cut_prev cut_bptt',
    plain: 'residuum rollout 3',
  });

  it('cut_next cut_prev: the residuum sees only detached states, so the gradient is exactly zero', () => {
    for (const name of ['both', 'bothBptt']) {
      const r = run(c.get(name)!);
      // Same loss as without cuts: cuts never change a value.
      expectRel(r.loss, run(c.get('plain')!).loss, 1e-15, name);
      expect(r.loss).toBeGreaterThan(0);
      for (const g of r.grads.values()) for (const x of g.data) expect(x).toBe(0);
    }
    // ...while without the cuts it is not.
    expect(maxAbs(run(c.get('plain')!).grads)).toBeGreaterThan(1e-3);
  });
});

describe('cut_bptt = sums of shorter rollouts from detached states', () => {
  const c = compile({
    one: 'supervised rollout 1',
    two: 'supervised rollout 2',
    every1: 'supervised rollout 3 cut_bptt every 1',
    every2: 'supervised rollout 4 cut_bptt every 2',
    nocut4: 'supervised rollout 4',
  });

  /** f applied to each window's state [B, 1, N], by evaluating the one-step forward graph. */
  function emulate(state: Tensor): Tensor {
    const g = c.get('one')!.forward;
    // The forward of `supervised rollout 1` reads ic and y1; y1 only feeds the loss.
    return forwardValues(g, PARAMS, stack([state, state])).get('u1')!;
  }

  it('supervised rollout 3 cut_bptt every 1 = one-step gradients at the detached states', () => {
    const u0 = snapshot(WINDOWS, 0);
    const u1 = emulate(u0);
    const u2 = emulate(u1);
    const steps = [u0, u1, u2].map((u, t) => run(c.get('one')!, stack([u, snapshot(WINDOWS, t + 1)])));
    const sum = { loss: steps.reduce((s, r) => s + r.loss, 0), grads: addGrads(steps.map((r) => ({ w: 1, g: r.grads }))) };
    expectSame(run(c.get('every1')!), sum, 'every 1');
  });

  it('supervised rollout 4 cut_bptt every 2 = two-step gradients from ic and from the detached f(f(ic))', () => {
    const u2 = emulate(emulate(snapshot(WINDOWS, 0)));
    const a = run(c.get('two')!, subWindows(WINDOWS, 0, 3));
    const b = run(c.get('two')!, stack([u2, snapshot(WINDOWS, 3), snapshot(WINDOWS, 4)]));
    expectSame(run(c.get('every2')!), { loss: a.loss + b.loss, grads: addGrads([{ w: 1, g: a.grads }, { w: 1, g: b.grads }]) }, 'every 2');
  });

  it('cutting changes the gradient, never the loss', () => {
    const cut = run(c.get('every2')!);
    const full = run(c.get('nocut4')!);
    expectRel(cut.loss, full.loss, 1e-15, 'loss');
    let differs = 0;
    for (const [k, g] of cut.grads) differs = Math.max(differs, relDiff(g.data, full.grads.get(k)!.data));
    expect(differs).toBeGreaterThan(1e-2);
  });
});

describe('mix rollout 1 post_physics 2 cut_bptt = a hand composition', () => {
  // pred = f(ic), L1 = mse(pred, y1); cut; then P(sg pred) vs y2, P(P(sg pred))
  // vs y3. The physics losses carry no gradient: the gradient is supervised
  // rollout 1's, the loss adds the two physics terms, computed here with the
  // float64 stepper of src/data/steppers.ts and a hand-written mse.
  const c = compile({ mix: 'mix rollout 1 post_physics 2 cut_bptt', mixFull: 'mix rollout 1 post_physics 2', one: 'supervised rollout 1' });

  it('loss and gradient', () => {
    const B = WINDOWS.shape[0]!;
    const one = run(c.get('one')!);
    const u1 = forwardValues(c.get('one')!.forward, PARAMS, WINDOWS).get('u1')!.data;
    const P = advectionSpectral(POINTS, CFL);
    const p1 = stepBatch(P, u1, POINTS);
    const p2 = stepBatch(P, p1, POINTS);
    const loss = one.loss + mse(p1, snapshot(WINDOWS, 2).data, B) + mse(p2, snapshot(WINDOWS, 3).data, B);
    const mix = run(c.get('mix')!);
    expectSame(mix, { loss, grads: one.grads }, 'mix cut');
    // Without the cut the physics terms do carry gradient back into f.
    const full = run(c.get('mixFull')!);
    expectRel(full.loss, mix.loss, 1e-15, 'uncut loss');
    let differs = 0;
    for (const [k, g] of full.grads) differs = Math.max(differs, relDiff(g.data, mix.grads.get(k)!.data));
    expect(differs).toBeGreaterThan(1e-2);
  });

  it('cut_bptt cuts emulator levels only: every 3 in mix rollout 2 post_physics 2 cuts nothing', () => {
    // Levels 1, 2 are emulator steps, 3, 4 physics; (t+1) % 3 == 0 only at
    // level 3, a physics step, which the semantics never cut.
    const m = compile({ cut: 'mix rollout 2 post_physics 2 cut_bptt every 3', full: 'mix rollout 2 post_physics 2' });
    expectSame(run(m.get('cut')!), run(m.get('full')!), 'every 3');
  });

  it('a cut after the last emulator step leaves the physics losses without gradient', () => {
    // mix rollout 2 post_physics 1 cut_bptt every 2: the cut after level 2 (the
    // last emulator step) detaches P's input, so the gradient is supervised
    // rollout 2's, and the loss adds mse(P(u2), y3).
    const m = compile({ mix: 'mix rollout 2 post_physics 1 cut_bptt every 2', two: 'supervised rollout 2' });
    const two = run(m.get('two')!);
    const u2 = forwardValues(m.get('two')!.forward, PARAMS, WINDOWS).get('u2')!.data;
    const p = stepBatch(advectionSpectral(POINTS, CFL), u2, POINTS);
    const loss = two.loss + mse(p, snapshot(WINDOWS, 3).data, WINDOWS.shape[0]!);
    expectSame(run(m.get('mix')!), { loss, grads: two.grads }, 'cut after the emulator part');
  });
});
