// APEBench's presets as steppers: the difficulty and normalised forms turned
// into physical coefficients (scenarios §5), checked against named solvers
// whose coefficients are computed by hand below, and every preset generating
// finite data in each dimension it allows.
import { describe, expect, it } from 'vitest';
import { stepGraph, type SolverSpec } from '../../../src/data/etdrk/catalogue.js';
import { fourierState, FOURIER_DEFAULTS } from '../../../src/data/etdrk/initial.js';
import { generateData } from '../../../src/data/generate.js';
import { Rng } from '../../../src/data/rng.js';
import type { GeneratorData } from '../../../src/dsl/ast.js';
import { PRESET_NAMES, PRESETS } from '../../../src/dsl/presets.js';
import { frontend } from '../../../src/frontend.js';
import { evaluate } from '../../../src/ops/interpreter.js';
import { tensor } from '../../../src/ops/tensor.js';

function steps(spec: SolverSpec, u0: Float64Array, count: number): Float64Array {
  const g = stepGraph(spec);
  const shape = [1, 1, ...Array<number>(spec.dims ?? 1).fill(spec.points!)];
  let u = u0;
  for (let s = 0; s < count; s++) u = evaluate(g, { u: tensor(shape, u) }).get(g.outputs[0]!)!.data;
  return u;
}
const maxDiff = (u: Float64Array, v: Float64Array) => u.reduce((m, x, i) => Math.max(m, Math.abs(x - v[i]!)), 0);
const density = (dims: number, points: number) => fourierState({ dims, points, extent: 1 }, { ...FOURIER_DEFAULTS, zeroMean: false, clamp: [0, 1] }, new Rng(11, 0));
const initial = (dims: number, points: number) => fourierState({ dims, points, extent: 1 }, { ...FOURIER_DEFAULTS, maxOne: true }, new Rng(11, 0));

/** The data block of a spec, as the checker makes it (`channels` the emulator maps). */
function dataOf(source: string, channels = 1): GeneratorData {
  const fe = frontend(`${source}\nemulator conv { channels ${channels} -> ${channels} }\nconfig supervised rollout 1`, 'p.tx');
  expect(fe.diagnostics).toEqual([]);
  return fe.spec.data as GeneratorData;
}

describe('the forms, by hand', () => {
  it('diff_ks (N = 160, D = 1) is KS on [0, 1) with dt 1 and the coefficients gamma / (N^j 2^(j-1) D)', () => {
    // alpha_2 = -1.2 / (160^2 * 2) = -2.34375e-5, alpha_4 = -15 / (160^4 * 8) = -2.86102294921875e-9,
    // beta_2 = -6 / 160^2 = -2.34375e-4; KS's psi_1 = -alpha_2, psi_2 = -alpha_4, gradient norm -beta_2.
    const d = dataOf('data diff_ks { }');
    const preset: SolverSpec = { name: 'generic_nonlinear', points: 160, dt: 1, extent: 1, params: { form: 'difficulty', a: d.params['a']!, b: d.params['b']! } };
    const ks: SolverSpec = { name: 'ks', points: 160, dt: 1, extent: 1, params: { second_order: 2.34375e-5, fourth_order: 2.86102294921875e-9, gradient_norm: 2.34375e-4 } };
    const u0 = initial(1, 160);
    const a = steps(preset, u0, 20);
    expect(maxDiff(a, u0)).toBeGreaterThan(1e-3);
    expect(maxDiff(a, steps(ks, u0, 20))).toBeLessThan(1e-12);
  });

  it('diff_ks in 2-D (N = 32, D = 2) divides by D as well', () => {
    // alpha_2 = -1.2 / (32^2 * 2 * 2) = -2.9296875e-4, alpha_4 = -15 / (32^4 * 8 * 2) = -15 / 16777216 = -8.940696716308594e-7, beta_2 = -6 / (32^2 * 2) = -2.9296875e-3.
    const ks: SolverSpec = { name: 'ks', dims: 2, points: 32, dt: 1, extent: 1, params: { second_order: 2.9296875e-4, fourth_order: 8.940696716308594e-7, gradient_norm: 2.9296875e-3 } };
    const preset: SolverSpec = { name: 'generic_nonlinear', dims: 2, points: 32, dt: 1, extent: 1, params: { form: 'difficulty', a: [0, 0, -1.2, 0, -15], b: [0, 0, -6] } };
    const u0 = initial(2, 32);
    expect(maxDiff(steps(preset, u0, 5), steps(ks, u0, 5))).toBeLessThan(1e-12);
  });

  it('diff_kdv (N = 160, D = 1) is conservative KdV on [0, 1) with dt 1', () => {
    // alpha_3 = -14 / (160^3 * 4) = -8.544921875e-7 (KdV's -a), alpha_4 = -9 / (160^4 * 8) = -1.71661376953125e-9 (-zeta),
    // beta_1 = -2 / 160 = -0.0125: conservative convection of scale 0.0125.
    const d = dataOf('data diff_kdv { }');
    const preset: SolverSpec = { name: 'generic_nonlinear', points: 160, dt: 1, extent: 1, params: { form: 'difficulty', a: d.params['a']!, b: d.params['b']! } };
    const kdv: SolverSpec = { name: 'kdv', points: 160, dt: 1, extent: 1, params: { nu: 0, dispersivity: 8.544921875e-7, zeta: 1.71661376953125e-9, convection: 0.0125, conservative: true } };
    const u0 = initial(1, 160);
    const a = steps(preset, u0, 20);
    expect(maxDiff(a, u0)).toBeGreaterThan(1e-3);
    expect(maxDiff(a, steps(kdv, u0, 20))).toBeLessThan(1e-12);
  });

  it("phy_ks in the normalised form (alpha_j = a_j dt / L^j) is phy_ks's step", () => {
    // L = 60, dt = 0.1: alpha_2 = -0.1 / 3600, alpha_4 = -0.1 / 12960000, beta_2 = -0.1 / 3600.
    const normalised: SolverSpec = { name: 'generic_nonlinear', points: 64, params: { form: 'normalized', a: [0, 0, -0.1 / 3600, 0, -0.1 / 12960000], b: [0, 0, -0.1 / 3600] } };
    const physical: SolverSpec = { name: 'generic_nonlinear', points: 64, extent: 60, dt: 0.1, params: { a: [0, 0, -1, 0, -1], b: [0, 0, -1] } };
    const u0 = initial(1, 64);
    const a = steps(normalised, u0, 20);
    expect(maxDiff(a, u0)).toBeGreaterThan(1e-3);
    expect(maxDiff(a, steps(physical, u0, 20))).toBeLessThan(1e-12);
  });

  it('diff_fisher (N = 160, D = 1) is Fisher–KPP on [0, 1) with dt 1, r = gamma_0 = -delta_0 and nu = gamma_2 / (2 N^2)', () => {
    // alpha_0 = 0.02 (L's constant: the growth r), alpha_2 = 0.2 / (160^2 * 2) = 3.90625e-6 (nu),
    // beta_0 = -0.02: N = -0.02 u^2 = -r u^2.
    const d = dataOf('data diff_fisher { }');
    const preset: SolverSpec = { name: 'generic_nonlinear', points: 160, dt: 1, extent: 1, params: { form: 'difficulty', a: d.params['a']!, b: d.params['b']! } };
    const fisher: SolverSpec = { name: 'fisher_kpp', points: 160, dt: 1, extent: 1, params: { nu: 3.90625e-6, reactivity: 0.02 } };
    const u0 = density(1, 160);
    const a = steps(preset, u0, 20);
    expect(maxDiff(a, u0)).toBeGreaterThan(1e-3);
    expect(maxDiff(a, steps(fisher, u0, 20))).toBeLessThan(1e-12);
  });

  it('phy_fisher (1-D) is Fisher–KPP with r = a_0 = -c_2 = 20, nu = a_2 = 0.004, dt 0.001', () => {
    const d = dataOf('data phy_fisher { points 64 }');
    const preset: SolverSpec = { name: 'generic_polynomial', points: 64, dt: 0.001, extent: 1, params: { a: d.params['a']!, poly: d.params['poly']! } };
    const fisher: SolverSpec = { name: 'fisher_kpp', points: 64, dt: 0.001, extent: 1, params: { nu: 0.004, reactivity: 20 } };
    const u0 = density(1, 64);
    const a = steps(preset, u0, 50);
    expect(maxDiff(a, u0)).toBeGreaterThan(1e-3);
    expect(maxDiff(a, steps(fisher, u0, 50))).toBeLessThan(1e-12);
  });

  it('diff_adv moves a wave by gamma_1 / (N D) of the domain per step, exactly', () => {
    // alpha_1 = -4 / 160: velocity 4 / 160 on [0, 1), 4 cells per step; 10 steps shift by 40 cells.
    const u0 = initial(1, 160);
    const u = steps({ name: 'generic_linear', points: 160, params: { form: 'difficulty', a: [0, -4] } }, u0, 10);
    const shifted = u0.map((_, i) => u0[(i - 40 + 160) % 160]!);
    expect(maxDiff(u, shifted)).toBeLessThan(1e-12);
  });
});

describe('every preset generates finite data', () => {
  // 3-D on 8 points: every preset in each dimension it allows, at a size a test can step.
  const pointsIn = [0, 160, 32, 8];
  for (const name of PRESET_NAMES)
    for (const dims of PRESETS[name]!.dims)
      it(`${name}, ${dims}-D`, () => {
        const points = pointsIn[dims]!;
        const channels = PRESETS[name]!.system === 'gray_scott' ? 2 : 1;
        const d = dataOf(`data ${name} { dims ${dims}  points ${points}  cutoff 3  trajectories 2  snapshots 4  test_trajectories 1  test_snapshots 6  warmup 0 }`, channels);
        const { train, test } = generateData(d);
        const state = [channels, ...Array<number>(dims).fill(points)];
        expect(train.shape).toEqual([2, 4, ...state]);
        expect(test.shape).toEqual([1, 6, ...state]);
        expect(train.data.every(Number.isFinite) && test.data.every(Number.isFinite)).toBe(true);
        const size = train.data.length / 8;
        const first = train.data.subarray(0, size);
        const last = train.data.subarray(3 * size, 4 * size);
        expect(last.some((x) => Math.abs(x) > 1e-3)).toBe(true);
        expect(maxDiff(last, first)).toBeGreaterThan(0);
        if (name.endsWith('_fisher')) {
          expect(Math.min(...first)).toBeCloseTo(0, 12);
          expect(Math.max(...first)).toBeCloseTo(1, 12);
        }
      });
});
