// Gray–Scott's IR step (two channels, one diffusivity each) against a float64
// semi-discrete system written here from the PDE of scenarios §3–4 with
// math/fft.ts only (no IR, no tables of the solver), integrated by classic
// RK4 at 20 times ETDRK4's step:
//   u_t = nu1 Laplace u + F (1 - u) - u v^2,   v_t = nu2 Laplace v - (F + K) v + u v^2,
// products of the fields dealiased by 1/2 before and after.
import { describe, expect, it } from 'vitest';
import { stepGraph, type SolverSpec } from '../../../src/data/etdrk/catalogue.js';
import { defaultIc, icState } from '../../../src/data/etdrk/ic.js';
import { Rng } from '../../../src/data/rng.js';
import { irfftn, rfftn } from '../../../src/math/fft.js';
import { evaluate } from '../../../src/ops/interpreter.js';
import { tensor } from '../../../src/ops/tensor.js';

type Spectrum = { re: Float64Array; im: Float64Array };

const [NU1, NU2, F, K] = [2e-5, 1e-5, 0.04, 0.06];

/** The unit domain's grid of `n` points on each of `dims` axes: |kappa|^2 and the 1/2 mask per bin, row-major. */
function grid(dims: number, n: number) {
  const half = n / 2 + 1;
  const specShape = [...Array<number>(dims - 1).fill(n), half];
  const count = specShape.reduce((a, b) => a * b, 1);
  // fftfreq order on the leading axes, 0..n/2 on the last
  const ks = Array.from({ length: count }, (_, flat) => {
    const k = [flat % half];
    for (let rest = Math.floor(flat / half), d = 0; d < dims - 1; d++, rest = Math.floor(rest / n)) k.unshift(rest % n < n / 2 ? rest % n : (rest % n) - n);
    return k;
  });
  const k2 = ks.map((k) => k.reduce((a, kd) => a + (2 * Math.PI * kd) ** 2, 0));
  // 1/2 of N//2, minus 1: |k_d| <= n/4 - 1 on every axis
  const kept = ks.map((k) => k.every((kd) => Math.abs(kd) <= n / 4 - 1));
  const size = n ** dims;
  const field = (X: Spectrum) => irfftn(X, specShape, dims, n).data;
  const spectrum = (u: Float64Array): Spectrum => rfftn(u, Array<number>(dims).fill(n), dims);
  const mask = (X: Spectrum): Spectrum => ({ re: X.re.map((x, b) => (kept[b] ? x : 0)), im: X.im.map((x, b) => (kept[b] ? x : 0)) });
  return { count, size, k2, field, spectrum, mask };
}

/** RK4 of the two channels' spectra [U, V]; returns the fields (u, v) concatenated. */
function rk4(dims: number, n: number, state: Float64Array, T: number, steps: number): Float64Array {
  const g = grid(dims, n);
  const rhs = ([U, V]: Spectrum[]): Spectrum[] => {
    const u = g.field(g.mask(U!));
    const v = g.field(g.mask(V!));
    const nu = g.mask(g.spectrum(u.map((x, i) => F * (1 - x) - x * v[i]! * v[i]!)));
    const nv = g.mask(g.spectrum(v.map((y, i) => -(F + K) * y + u[i]! * y * y)));
    const lin = (X: Spectrum, nu_: number, N: Spectrum): Spectrum => ({
      re: X.re.map((x, b) => -nu_ * g.k2[b]! * x + N.re[b]!),
      im: X.im.map((x, b) => -nu_ * g.k2[b]! * x + N.im[b]!),
    });
    return [lin(U!, NU1, nu), lin(V!, NU2, nv)];
  };
  const axpy = (X: Spectrum[], a: number, Y: Spectrum[]) =>
    X.map((x, c) => ({ re: x.re.map((r, b) => r + a * Y[c]!.re[b]!), im: x.im.map((r, b) => r + a * Y[c]!.im[b]!) }));
  const h = T / steps;
  let X = [g.spectrum(state.slice(0, g.size)), g.spectrum(state.slice(g.size))];
  for (let t = 0; t < steps; t++) {
    const q1 = rhs(X);
    const q2 = rhs(axpy(X, h / 2, q1));
    const q3 = rhs(axpy(X, h / 2, q2));
    const q4 = rhs(axpy(X, h, q3));
    X = axpy(axpy(axpy(axpy(X, h / 6, q1), h / 3, q2), h / 3, q3), h / 6, q4);
  }
  const out = new Float64Array(2 * g.size);
  out.set(g.field(X[0]!), 0);
  out.set(g.field(X[1]!), g.size);
  return out;
}

/** The IR step graph applied `steps` times to one state [2, n, …]. */
function etdrk(spec: SolverSpec, state: Float64Array, steps: number): Float64Array {
  const step = stepGraph(spec);
  let u = tensor([1, 2, ...Array<number>(spec.dims!).fill(spec.points!)], state);
  for (let t = 0; t < steps; t++) u = evaluate(step, { u }).get(step.outputs[0]!)!;
  return u.data;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

// One blob per channel, (1 - b, b), as the data generator draws them.
const start = (dims: number, n: number) => icState({ dims, points: n, extent: 1 }, defaultIc('gray_scott', 5), 2, new Rng(3), 'gray_scott');

// Measured (max |difference|; the fields are O(1)), ETDRK4 against RK4 at
// h = 0.025 over T = 100: 1-D N = 64: 1.1e-5, 5.0e-7 at h = 1, 0.5 (ratio
// 21.5; 2.9e-8 and 1.8e-9 at h = 0.25, 0.125, ratios 17 and 16.5); 2-D 16^2:
// 2.7e-5, 1.7e-6 (ratio 16; then 1.1e-7, 6.6e-9); 3-D 8^3: 1.7e-8, 1.1e-9
// (ratio 15.6): ETDRK4's own error, falling 2^4 per halving towards RK4's
// solution. The default step (ETDRK2, dt 10 in 10 substeps) over T = 100:
// 1.0e-3 (1-D), 1.8e-3 (2-D), 6.8e-5 (3-D).
describe('Gray–Scott agrees with RK4 on an independently written two-channel system', () => {
  it.each([
    ['1-D, 64 points', 1, 64],
    ['2-D, 16^2', 2, 16],
    ['3-D, 8^3', 3, 8],
  ])('%s', (_, dims, n) => {
    const u0 = start(dims, n);
    const reference = rk4(dims, n, u0, 100, 4000);
    // The blob has reacted: the state moved by O(0.1) or more, so the terms are exercised.
    expect(maxDiff(reference, u0)).toBeGreaterThan(0.1);
    const err = (steps: number) => maxDiff(etdrk({ name: 'gray_scott', dims, points: n, dt: 100 / steps, substeps: 1, order: 4 }, u0, steps), reference);
    const [coarse, fine] = [err(100), err(200)];
    expect(fine).toBeLessThan(2e-6);
    expect(coarse / fine).toBeGreaterThan(12);
    expect(maxDiff(etdrk({ name: 'gray_scott', dims, points: n }, u0, 10), reference)).toBeLessThan(5e-3);
  }, 120_000);
});
