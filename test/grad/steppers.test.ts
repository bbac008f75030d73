// The built-in steppers as the inline pass writes them (shifts, products,
// sums, circular convolutions) evaluated by the interpreter, against the
// float64 steppers of src/data/steppers.ts that make the data — and their VJPs
// against finite differences, since a reference that carries gradient is
// differentiated through.
import { describe, expect, it } from 'vitest';
import { builtinStepper, stepBatch, type Stepper } from '../../src/data/steppers.js';
import type { Tensor } from '../../src/ops/op.js';
import { centralDiff, compileAll, forwardValues, lossAndGrad, paramsFor, randomTensor, rng, type Compiled } from './helpers.js';
import type { GeneratorName } from '../../src/dsl/ast.js';

const N = 16;
const BATCH = 3;

interface Case {
  name: GeneratorName;
  method: string;
  params: Record<string, number | number[]>;
  /** Spatial axes of the state (1 when absent): N-D cases run on fields of ND points per axis. */
  dims?: number;
  /** Dirichlet-zero boundaries instead of periodic ones. */
  zero?: boolean;
}

/** Points per axis of the 2-D and 3-D cases' fields. */
const ND = { 2: 8, 3: 4 } as Record<number, number>;

const CASES: Case[] = [
  { name: 'advection', method: 'spectral', params: { cfl: -0.75 } },
  { name: 'advection', method: 'spectral', params: { cfl: 0.3 } },
  { name: 'advection', method: 'upwind', params: { cfl: 0.5 } },
  { name: 'advection', method: 'upwind', params: { cfl: -0.75 } },
  { name: 'diffusion', method: 'spectral', params: { gamma: 0.2 } },
  { name: 'diffusion', method: 'ftcs', params: { gamma: 0.4 } },
  { name: 'burgers', method: 'central', params: { nu: 0.05, dt: 0.01, substeps: 1 } },
  { name: 'burgers', method: 'central', params: { nu: 0.1, dt: 0.05, substeps: 3 } },
  { name: 'lorenz63', method: 'rk4', params: { dt: 0.01, sigma: 10, rho: 28, beta: 8 / 3 } },
  { name: 'lorenz63', method: 'rk4', params: { dt: 0.02, sigma: 9, rho: 20, beta: 2 } },
  { name: 'advection', method: 'upwind', params: { cfl: 0.4 }, dims: 2 },
  { name: 'advection', method: 'upwind', params: { cfl: -0.3 }, dims: 2 },
  { name: 'advection', method: 'upwind', params: { cfl: [0.4, -0.3] }, dims: 2 },
  { name: 'advection', method: 'upwind', params: { cfl: [-0.2, 0.1, 0.5] }, dims: 3 },
  { name: 'diffusion', method: 'ftcs', params: { gamma: 0.2 }, dims: 2 },
  { name: 'burgers', method: 'central', params: { nu: 0.1, dt: 0.05, substeps: 2 }, dims: 2 },
  { name: 'advection', method: 'upwind', params: { cfl: 0.3 }, dims: 3 },
  { name: 'diffusion', method: 'ftcs', params: { gamma: 0.1 }, dims: 3 },
  { name: 'burgers', method: 'central', params: { nu: 0.05, dt: 0.01, substeps: 1 }, dims: 3 },
  { name: 'advection', method: 'upwind', params: { cfl: 0.5 }, zero: true },
  { name: 'advection', method: 'upwind', params: { cfl: [0.4, -0.3] }, dims: 2, zero: true },
  { name: 'diffusion', method: 'ftcs', params: { gamma: 0.2 }, dims: 2, zero: true },
  { name: 'burgers', method: 'central', params: { nu: 0.1, dt: 0.05, substeps: 2 }, dims: 2, zero: true },
  { name: 'diffusion', method: 'ftcs', params: { gamma: 0.1 }, dims: 3, zero: true },
  // The ETDRK solvers: the data generator's own step graph, inlined (exact N-D spectral steps are ETDRK0).
  { name: 'advection', method: 'spectral', params: { cfl: [0.4, -0.3] }, dims: 2 },
  { name: 'diffusion', method: 'spectral', params: { gamma: 0.2 }, dims: 3 },
  { name: 'ks', method: 'etdrk2', params: { extent: 12, dt: 0.1 } },
  { name: 'ks', method: 'etdrk4', params: { extent: 10, dt: 0.2, substeps: 2 } },
  { name: 'ks', method: 'etdrk3', params: { extent: 8, dt: 0.1 }, dims: 2 },
  { name: 'burgers', method: 'etdrk2', params: { nu: 0.05, dt: 0.01, substeps: 1 } },
  { name: 'burgers', method: 'etdrk1', params: { nu: 0.1, dt: 0.02, substeps: 2 }, dims: 2 },
];

/** A case's grid: points per axis, spatial axes, and one state's shape. */
function grid(c: Case): { n: number; dims: number; shape: number[] } {
  if (c.name === 'lorenz63') return { n: 0, dims: 0, shape: [3] };
  const dims = c.dims ?? 1;
  const n = dims === 1 ? N : ND[dims]!;
  return { n, dims, shape: [1, ...Array<number>(dims).fill(n)] };
}

/** `key value` settings, a per-axis value as a list. */
function settings(c: Case, sep: string): string {
  return Object.entries(c.params).map(([k, v]) => `${k} ${Array.isArray(v) ? `[${v.join(', ')}]` : v}`).join(sep);
}

function label(c: Case): string {
  return `${c.name}${c.dims ? ` ${c.dims}-D` : ''} ${c.method} ${settings(c, ' ')}${c.zero ? ' padding zero' : ''}`;
}

/** A spec whose configurations run `reference` in a mix chain; states [1, N], [1, n, …, n] (an mlp emulator) or [3]. */
function specWith(reference: string, lorenz: boolean, configs: string[], dims = 1): Compiled[] {
  const data = lorenz
    ? 'data lorenz63 { trajectories 2  snapshots 6  warmup 10 }\nemulator mlp { width 4  depth 1  activation tanh }'
    : dims > 1
      ? `data advection { dims ${dims}  points ${ND[dims]}  trajectories 2  snapshots 6  modes 1 }\nemulator mlp { width 4  depth 1  activation tanh }`
      : `data advection1d { points ${N}  trajectories 2  snapshots 6  modes 2 }\nemulator conv1d { channels 1 -> 2 -> 1  kernel 3  activation tanh }`;
  return compileAll(`${data}\n${reference}\n${configs.map((c, k) => `config c${k} = ${c}`).join('\n')}\n`);
}

function referenceText(c: Case): string {
  return `reference ${c.name} { ${settings(c, '  ')}  method ${c.method}${c.zero ? '  padding zero' : ''} }`;
}

/** Windows [B, T, ...state] whose every snapshot is the same random state (only ic is read for the values we look at). */
function windowsOfState(state: Tensor, length: number): Tensor {
  const size = state.data.length / BATCH;
  const data = new Float64Array(BATCH * length * size);
  for (let b = 0; b < BATCH; b++)
    for (let t = 0; t < length; t++) data.set(state.data.subarray(b * size, (b + 1) * size), (b * length + t) * size);
  return { shape: [BATCH, length, ...state.shape.slice(1)], data };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThanOrEqual(tol * scale);
}

describe('compiled built-in steppers = the float64 steppers (1e-12, random states)', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s: one step and three steps', (_, c) => {
    const lorenz = c.name === 'lorenz63';
    const g = grid(c);
    const [one, three] = specWith(referenceText(c), lorenz, ['mix chain [reference 1]', 'mix chain [reference 3]'], g.dims);
    const shape = [BATCH, ...g.shape];
    const size = g.shape.reduce((a, b) => a * b, 1);
    // Lorenz states on the attractor's scale; fields of size 1, not smooth.
    const state = randomTensor(shape, rng(5), lorenz ? -20 : -1, lorenz ? 20 : 1);
    const step: Stepper = builtinStepper(c.name, c.method, c.params, g.n, g.dims || 1, c.zero ? 'zero' : 'circular');
    const params = paramsFor(one!, 1);

    const want1 = stepBatch(step, state.data, size);
    const got1 = forwardValues(one!.forward, params, windowsOfState(state, 2)).get('u1')!;
    expect(got1.shape).toEqual(shape);
    expectClose(got1.data, want1, 1e-12);

    const v = forwardValues(three!.forward, params, windowsOfState(state, 4));
    let want = state.data;
    for (let t = 1; t <= 3; t++) {
      want = stepBatch(step, want, size);
      expectClose(v.get(`u${t}`)!.data, want, 1e-12);
    }
  });

  it('spectral advection with cfl 1 on an odd grid is a one-cell roll to the right, exactly', () => {
    // An independent check of the spectral kernel: exp(-i k 2 pi / N) is the
    // shift theorem for x -> x - dx; with N odd there is no Nyquist mode, so
    // every state (not only band-limited ones) moves by one cell.
    const n = 15;
    const [c] = compileAll(
      `data advection1d { points ${n}  trajectories 1  snapshots 3  modes 2 }\nemulator conv1d { channels 1 -> 1  kernel 2 }\nreference advection1d { cfl 1  method spectral }\nconfig mix chain [reference 1]\n`,
    );
    const state = randomTensor([2, 1, n], rng(9));
    const size = n;
    const w = { shape: [2, 2, 1, n], data: new Float64Array(2 * 2 * size) } as Tensor;
    for (let b = 0; b < 2; b++) w.data.set(state.data.subarray(b * size, (b + 1) * size), b * 2 * size);
    const got = forwardValues(c!.forward, paramsFor(c!, 1), w).get('u1')!.data;
    for (let b = 0; b < 2; b++)
      for (let i = 0; i < n; i++) expect(Math.abs(got[b * n + i]! - state.data[b * n + ((i - 1 + n) % n)]!)).toBeLessThan(1e-12);
  });
});

describe('a user expression', () => {
  function exprStep(expr: string, upwindCfl: number): void {
    const [c] = specWith(`reference fou(u) = ${expr}`, false, ['mix chain [reference 2]']);
    const state = randomTensor([BATCH, 1, N], rng(21));
    const v = forwardValues(c!.forward, paramsFor(c!, 1), windowsOfState(state, 3));
    const step = builtinStepper('advection', 'upwind', { cfl: upwindCfl }, N);
    const want1 = stepBatch(step, state.data, N);
    expectClose(v.get('u1')!.data, want1, 1e-12);
    expectClose(v.get('u2')!.data, stepBatch(step, want1, N), 1e-12);
  }

  it('u - c * (u - shift(u, 1)) where c = 0.5 is upwind with cfl 0.5', () => {
    exprStep('u - c * (u - shift(u, 1))  where c = 0.5', 0.5);
  });

  it('u - c * (shift(u, -1) - u) where c = -0.75 is upwind with cfl -0.75', () => {
    exprStep('u - c * (shift(u, -1) - u)  where c = -0.75', -0.75);
  });

  it('a built-in residuum is the defect next - P(prev) of its step', () => {
    const all = compileAll(
      `data advection1d { points ${N}  trajectories 2  snapshots 6  modes 2 }\nemulator conv1d { channels 1 -> 2 -> 1  kernel 3  activation tanh }\nresiduum advection1d { cfl 0.5  method upwind }\nconfig residuum rollout 2\n`,
    );
    const c = all[0]!;
    const state = randomTensor([BATCH, 1, N], rng(33));
    const v = forwardValues(c.forward, paramsFor(c, 2), windowsOfState(state, 1));
    const P = builtinStepper('advection', 'upwind', { cfl: 0.5 }, N);
    // r1 = u1 - P(ic), r2 = u2 - P(u1).
    const r1 = v.get('u1')!.data.map((x, i) => x - stepBatch(P, state.data, N)[i]!);
    const r2 = v.get('u2')!.data.map((x, i) => x - stepBatch(P, v.get('u1')!.data, N)[i]!);
    expectClose(v.get('r1')!.data, r1, 1e-12);
    expectClose(v.get('r2')!.data, r2, 1e-12);
  });
});

describe('gradients through every built-in reference = finite differences', () => {
  // mix rollout 1 post_physics 2: the emulator's output passes through two
  // reference steps before two of the three losses, so the gradient runs
  // through the stepper's VJP. Same method and tolerance as
  // finite-differences.test.ts (no cuts here, so nothing is held).
  it.each(CASES.map((c) => [label(c), c] as const))('%s', (_, c) => {
    const lorenz = c.name === 'lorenz63';
    const g = grid(c);
    const [m] = specWith(referenceText(c), lorenz, ['mix rollout 1 post_physics 2'], g.dims);
    const shape = [BATCH, ...g.shape];
    const next = rng(44);
    const states = [0, 1, 2, 3].map(() => randomTensor(shape, next, lorenz ? -10 : -1, lorenz ? 10 : 1));
    const size = states[0]!.data.length / BATCH;
    const w: Tensor = { shape: [BATCH, 4, ...shape.slice(1)], data: new Float64Array(BATCH * 4 * size) };
    states.forEach((s, t) => {
      for (let b = 0; b < BATCH; b++) w.data.set(s.data.subarray(b * size, (b + 1) * size), (b * 4 + t) * size);
    });
    const params = paramsFor(m!, 8);
    const { loss, grads } = lossAndGrad(m!, params, w);
    let gmax = 0;
    for (const g of grads.values()) for (const x of g.data) gmax = Math.max(gmax, Math.abs(x));
    const floor = 1e-3 * Math.max(Math.abs(loss), gmax);
    const bad: string[] = [];
    for (const [name, p] of params)
      for (let i = 0; i < p.data.length; i += Math.max(1, Math.floor(p.data.length / 4))) {
        const g = grads.get(name)!.data[i]!;
        const fd = centralDiff(m!.forward, params, w, name, i);
        if (!(Math.abs(g - fd) <= 1e-6 * Math.max(Math.abs(g), Math.abs(fd), floor))) bad.push(`${name}[${i}]: ${g} vs ${fd}`);
      }
    expect(bad).toEqual([]);
  });
});
