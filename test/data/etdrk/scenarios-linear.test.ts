// The linear scenario solvers (dispersion, hyper-diffusion, advection–
// diffusion; ETDRK0) against the exact solution of their PDE evaluated
// pointwise: a wave A cos(kappa . x + phi), with u_t = L u and L(kappa) =
// lambda + i omega on e^{i kappa . x}, is A e^{lambda t} cos(kappa . x + phi
// + omega t). The symbols are written here from the PDEs, not imported.
import { describe, expect, it } from 'vitest';
import { stepGraph, type SolverSpec } from '../../../src/data/etdrk/catalogue.js';
import { evaluate } from '../../../src/ops/interpreter.js';
import { tensor } from '../../../src/ops/tensor.js';

type Wave = { k: number[]; A: number; phi: number };
const waves1: Wave[] = [
  { k: [1], A: 0.8, phi: 0.3 },
  { k: [3], A: -0.5, phi: 2.1 },
  { k: [7], A: 0.25, phi: -1.2 },
];
const waves2: Wave[] = [
  { k: [1, 0], A: 0.8, phi: 0.3 },
  { k: [-2, 3], A: -0.5, phi: 2.1 },
  { k: [3, 1], A: 0.4, phi: 1 },
  { k: [0, 5], A: 0.25, phi: -1.2 },
];

/** The waves at time t on [0, L)^D, row-major, each mode e^{i kappa x} growing as e^{L(kappa) t}. */
function exact(waves: readonly Wave[], n: number, extent: number, t: number, L: (kappa: number[]) => [number, number]): Float64Array {
  const dims = waves[0]!.k.length;
  const u = new Float64Array(n ** dims);
  for (let p = 0; p < u.length; p++) {
    const x = Array.from({ length: dims }, (_, d) => ((Math.floor(p / n ** (dims - 1 - d)) % n) * extent) / n);
    for (const w of waves) {
      const kappa = w.k.map((k) => (2 * Math.PI * k) / extent);
      const [lambda, omega] = L(kappa);
      u[p]! += w.A * Math.exp(lambda * t) * Math.cos(kappa.reduce((a, kd, d) => a + kd * x[d]!, 0) + w.phi + omega * t);
    }
  }
  return u;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** A per-axis coefficient on the first `dims` axes: one number in 1-D, a list in N-D. */
const axes = (values: number[], dims: number) => (dims === 1 ? values[0]! : values.slice(0, dims));
const a = [0.002, -0.001];
const c = [0.3, -0.7];
const cases: { name: SolverSpec['name']; params: (dims: number) => Record<string, number | number[]>; L: (kappa: number[]) => [number, number] }[] = [
  // u_t = sum_d a_d u_{x_d x_d x_d}: e^{i kappa x} gets a_d (i kappa_d)^3 = -i a_d kappa_d^3.
  { name: 'dispersion', params: (dims) => ({ dispersivity: axes(a, dims) }), L: (q) => [0, -sum(q.map((k, d) => a[d]! * k ** 3))] },
  // u_t = -zeta sum_d u_{x_d x_d x_d x_d}
  { name: 'hyper_diffusion', params: () => ({ zeta: 3e-6 }), L: (q) => [-3e-6 * sum(q.map((k) => k ** 4)), 0] },
  // u_t + c . grad u = nu Laplace u
  { name: 'advection_diffusion', params: (dims) => ({ velocity: axes(c, dims), nu: 0.002 }), L: (q) => [-0.002 * sum(q.map((k) => k * k)), -sum(q.map((k, d) => c[d]! * k))] },
];

// Measured: at most 1.2e-14 (dispersion 1-D), 2.3e-15 for the others.
describe('linear scenario solvers equal the exact Fourier solution', () => {
  for (const s of cases)
    it.each([
      ['1-D', waves1, 32],
      ['2-D', waves2, 16],
    ] as const)(`${s.name}, %s, 20 steps`, (_, waves, n) => {
      const dims = waves[0]!.k.length;
      const g = stepGraph({ name: s.name, dims, points: n, extent: 1, dt: 0.1, params: s.params(dims) });
      let u = tensor([1, 1, ...Array<number>(dims).fill(n)], exact(waves, n, 1, 0, s.L));
      for (let t = 0; t < 20; t++) u = evaluate(g, { u }).get(g.outputs[0]!)!;
      const want = exact(waves, n, 1, 2, s.L);
      const err = Array.from(u.data).reduce((m, v, i) => Math.max(m, Math.abs(v - want[i]!)), 0);
      expect(err).toBeLessThan(1e-10);
    });
});
