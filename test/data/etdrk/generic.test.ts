// The generic steppers against the named ones where the two are the same PDE
// (scenarios §5): generic_linear with a_2 = nu is diffusion, a_1 = -c
// advection, a_3 = a dispersion; generic_nonlinear with KS's coefficients
// is ks, with b_1 = -s conservative Burgers; generic_convection is burgers
// and KdV; generic_polynomial is Fisher–KPP and Swift–Hohenberg. Each pair is
// stepped from the same random state in float64 and must agree to rounding.
// The terms no named solver has (a constant c_0, several b's at once) are
// checked against what a step without L must do.
import { describe, expect, it } from 'vitest';
import { stepGraph, type SolverSpec } from '../../../src/data/etdrk/catalogue.js';
import { fourierState, FOURIER_DEFAULTS } from '../../../src/data/etdrk/initial.js';
import { Rng } from '../../../src/data/rng.js';
import { evaluate } from '../../../src/ops/interpreter.js';
import { tensor } from '../../../src/ops/tensor.js';

const N = 32;

function run(spec: SolverSpec, u0: Float64Array, steps: number): Float64Array {
  const g = stepGraph(spec);
  const shape = [1, 1, ...Array<number>(spec.dims ?? 1).fill(N)];
  let u = u0;
  for (let s = 0; s < steps; s++) u = evaluate(g, { u: tensor(shape, u) }).get(g.outputs[0]!)!.data;
  return u;
}

const maxAbs = (u: Float64Array) => u.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const maxDiff = (u: Float64Array, v: Float64Array) => u.reduce((m, x, i) => Math.max(m, Math.abs(x - v[i]!)), 0);

/** [what, generic spec, named spec, extent]: the same grid and step for both. */
const PAIRS: [string, SolverSpec, SolverSpec, number][] = [
  ['diffusion', { name: 'generic_linear', params: { a: [0, 0, 0.02] } }, { name: 'diffusion', params: { nu: 0.02 } }, 1],
  ['advection', { name: 'generic_linear', params: { a: [0, -0.3] } }, { name: 'advection', params: { velocity: 0.3 } }, 1],
  ['dispersion', { name: 'generic_linear', params: { a: [0, 0, 0, 0.002] } }, { name: 'dispersion', params: { dispersivity: 0.002 } }, 1],
  ['hyper-diffusion', { name: 'generic_linear', params: { a: [0, 0, 0, 0, -1e-5] } }, { name: 'hyper_diffusion', params: { zeta: 1e-5 } }, 1],
  ['ks', { name: 'generic_nonlinear', params: { a: [0, 0, -1, 0, -1], b: [0, 0, -1] } }, { name: 'ks' }, 60],
  ['ks, other coefficients', { name: 'generic_nonlinear', params: { a: [0, 0, -0.5, 0, -2], b: [0, 0, -0.7] } }, { name: 'ks', params: { second_order: 0.5, fourth_order: 2, gradient_norm: 0.7 } }, 60],
  ['burgers (conservative, via b1)', { name: 'generic_nonlinear', params: { a: [0, 0, 0.05], b: [0, -1, 0] } }, { name: 'burgers', params: { nu: 0.05, convection: 1, conservative: true } }, 1],
  ['burgers (generic_convection)', { name: 'generic_convection', params: { a: [0, 0, 0.05], scale: 1, conservative: true } }, { name: 'burgers', params: { nu: 0.05, convection: 1, conservative: true } }, 1],
  ['burgers non-conservative', { name: 'generic_convection', params: { a: [0, 0, 0.05], scale: 0.8 } }, { name: 'burgers', params: { nu: 0.05, convection: 0.8 } }, 1],
  ['kdv', { name: 'generic_convection', params: { a: [0, 0, 0, -1, -0.01], scale: -6 } }, { name: 'kdv' }, 20],
  ['ks conservative', { name: 'generic_convection', params: { a: [0, 0, -1, 0, -1], scale: 1, conservative: true } }, { name: 'ks_conservative' }, 60],
  ['fisher-kpp', { name: 'generic_polynomial', params: { a: [1, 0, 0.01], poly: [0, 0, -1] } }, { name: 'fisher_kpp' }, 1],
];

describe('generic steppers equal the named ones', () => {
  const u0 = fourierState({ dims: 1, points: N, extent: 1 }, { ...FOURIER_DEFAULTS, cutoff: 4, maxOne: true }, new Rng(3, 0));
  for (const [what, generic, named, extent] of PAIRS)
    it(what, () => {
      const grid = { dims: 1, points: N, extent, dt: extent === 20 ? 0.01 : extent === 60 ? 0.1 : 0.05 };
      const a = run({ ...generic, ...grid }, u0, 10);
      const b = run({ ...named, ...grid }, u0, 10);
      expect(maxAbs(b)).toBeGreaterThan(1e-3);
      expect(maxDiff(a, b)).toBeLessThan(1e-12 * Math.max(1, maxAbs(b)));
    });

  it('swift-hohenberg: L = r - (k_c - |kappa|^2)^2 = (r - k_c^2) - 2 k_c sum (i kappa)^2 - |kappa|^4 in 1-D', () => {
    // 1-D: |kappa|^4 = kappa^4 = (i kappa)^4, so a = [r - 1, 0, -2, 0, -1] at k_c = 1.
    const grid = { dims: 1, points: N, extent: 10 * Math.PI, dt: 0.1, substeps: 5, dealias: 1 / 2 };
    const a = run({ name: 'generic_polynomial', ...grid, params: { a: [0.7 - 1, 0, -2, 0, -1], poly: [0, 0, 1, -1] } }, u0, 5);
    const b = run({ name: 'swift_hohenberg', ...grid }, u0, 5);
    expect(maxDiff(a, b)).toBeLessThan(1e-12);
  });

  it('a constant term c_0 raises every point by c_0 dt per step, in 1-D and 2-D', () => {
    // u_t = c_0 with L = 0: ETDRK's h g_1(0) = h makes each step exact.
    for (const dims of [1, 2]) {
      const v0 = fourierState({ dims, points: 16, extent: 1 }, { ...FOURIER_DEFAULTS, cutoff: 3, maxOne: true }, new Rng(7, 0));
      const graph = stepGraph({ name: 'generic_polynomial', dims, points: 16, dt: 0.1, params: { a: [], poly: [0.3] } });
      let u = v0;
      for (let s = 0; s < 5; s++) u = evaluate(graph, { u: tensor([1, 1, ...Array<number>(dims).fill(16)], u) }).get(graph.outputs[0]!)!.data;
      expect(maxDiff(u, v0.map((x) => x + 0.15))).toBeLessThan(1e-14);
    }
  });

  it("generic_nonlinear's three terms add: an ETDRK1 step without L moves u by h times their sum", () => {
    // With L = 0, u' - u = h N(u) is linear in N, so the step with b = [b0, b1, b2] moves u by the sum of the three single-term moves.
    const spec = (b: number[]): SolverSpec => ({ name: 'generic_nonlinear', points: N, dt: 0.01, order: 1, params: { a: [], b } });
    const move = (b: number[]) => run(spec(b), u0, 1).map((x, i) => x - u0[i]!);
    const all = move([0.7, -0.4, 0.002]);
    const sum = [move([0.7, 0, 0]), move([0, -0.4, 0]), move([0, 0, 0.002])].reduce((acc, m) => acc.map((x, i) => x + m[i]!));
    expect(maxAbs(all)).toBeGreaterThan(1e-3);
    expect(maxDiff(all, sum)).toBeLessThan(1e-15);
    // b0 u^2 alone is generic_polynomial's c_2 u^2.
    expect(maxDiff(run(spec([0.7, 0, 0]), u0, 3), run({ name: 'generic_polynomial', points: N, dt: 0.01, order: 1, params: { a: [], poly: [0, 0, 0.7] } }, u0, 3))).toBe(0);
  });

  it('in 2-D, generic_nonlinear with KS coefficients is ks (a_0 and the fourth order summed over axes)', () => {
    const v0 = fourierState({ dims: 2, points: 16, extent: 1 }, { ...FOURIER_DEFAULTS, cutoff: 3, maxOne: true }, new Rng(5, 0));
    const grid = { dims: 2, points: 16, extent: 30, dt: 0.1 };
    const stepBoth = (g: SolverSpec) => {
      const graph = stepGraph(g);
      return evaluate(graph, { u: tensor([1, 1, 16, 16], v0) }).get(graph.outputs[0]!)!.data;
    };
    const a = stepBoth({ name: 'generic_nonlinear', ...grid, params: { a: [0, 0, -1, 0, -1], b: [0, 0, -1] } });
    const b = stepBoth({ name: 'ks', ...grid });
    expect(maxDiff(a, b)).toBeLessThan(1e-12);
  });
});
