// The linear spectral solvers (ETDRK0, û' = e^{L dt} û per bin) against the
// exact solution of their PDE, evaluated pointwise: a sum of cosines
// sum_m A_m cos(kappa_m . x + phi_m) advected by u(x - c t), or each wave
// damped by e^{-nu |kappa|^2 t}. The same code in 1-D, 2-D and 3-D.
import { describe, expect, it } from 'vitest';
import { stepGraph, type SolverSpec } from '../../../src/data/etdrk/catalogue.js';
import { evaluate } from '../../../src/ops/interpreter.js';
import { tensor } from '../../../src/ops/tensor.js';

interface Wave {
  k: number[];
  A: number;
  phi: number;
}

/** sum of the waves at every grid point of [0, L)^D, row-major, each wave's position shifted by `shift` and damped by `damp(kappa)`. */
function field(waves: readonly Wave[], points: number, extent: number, shift: readonly number[], damp: (kappa: number[]) => number): Float64Array {
  const dims = waves[0]!.k.length;
  const u = new Float64Array(points ** dims);
  for (let p = 0; p < u.length; p++) {
    const x = Array.from({ length: dims }, (_, d) => ((Math.floor(p / points ** (dims - 1 - d)) % points) * extent) / points);
    for (const w of waves) {
      const kappa = w.k.map((k) => (2 * Math.PI * k) / extent);
      u[p]! += w.A * damp(kappa) * Math.cos(kappa.reduce((a, kd, d) => a + kd * (x[d]! - shift[d]!), 0) + w.phi);
    }
  }
  return u;
}

function rollOut(spec: SolverSpec, u0: Float64Array, steps: number): Float64Array {
  const g = stepGraph(spec);
  let u = tensor([1, 1, ...Array<number>(spec.dims ?? 1).fill(spec.points!)], u0);
  for (let s = 0; s < steps; s++) u = evaluate(g, { u }).get(g.outputs[0]!)!;
  return u.data;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

const waves1: Wave[] = [
  { k: [1], A: 0.8, phi: 0.3 },
  { k: [3], A: -0.5, phi: 2.1 },
  { k: [7], A: 0.25, phi: -1.2 },
];
const waves3: Wave[] = [
  { k: [1, 0, -1], A: 0.6, phi: 0.5 },
  { k: [0, 2, 1], A: -0.4, phi: 1.7 },
  { k: [-3, 1, 2], A: 0.3, phi: -0.4 },
];
const waves2: Wave[] = [
  { k: [1, 0], A: 0.8, phi: 0.3 },
  { k: [-2, 3], A: -0.5, phi: 2.1 },
  { k: [3, 1], A: 0.4, phi: 1 },
  { k: [0, 5], A: 0.25, phi: -1.2 },
];

describe('linear ETDRK0 solvers equal the exact solution', () => {
  const steps = 20;
  it.each([
    ['1-D', waves1, 32, [1.3]],
    ['2-D', waves2, 16, [0.3, -0.7]],
    ['3-D', waves3, 8, [0.5, 0.2, -0.9]],
  ] as const)('advection, %s, 20 steps', (_, waves, points, velocity) => {
    const dims = velocity.length;
    const spec: SolverSpec = { name: 'advection', dims, points, extent: 2, dt: 0.07, params: { velocity: dims === 1 ? velocity[0]! : velocity } };
    const u0 = field(waves, points, 2, velocity.map(() => 0), () => 1);
    const t = steps * 0.07;
    const exact = field(waves, points, 2, velocity.map((c) => c * t), () => 1);
    const err = maxDiff(rollOut(spec, u0, steps), exact);
    expect(err).toBeLessThan(1e-10);
  });

  it.each([
    ['1-D', waves1, 32],
    ['2-D', waves2, 16],
    ['3-D', waves3, 8],
  ] as const)('diffusion, %s, 20 steps', (_, waves, points) => {
    const dims = waves[0]!.k.length;
    const nu = 0.003;
    const spec: SolverSpec = { name: 'diffusion', dims, points, extent: 1, dt: 0.1, params: { nu } };
    const zero = waves[0]!.k.map(() => 0);
    const u0 = field(waves, points, 1, zero, () => 1);
    const exact = field(waves, points, 1, zero, (kappa) => Math.exp(-nu * kappa.reduce((a, k) => a + k * k, 0) * steps * 0.1));
    const err = maxDiff(rollOut(spec, u0, steps), exact);
    expect(err).toBeLessThan(1e-10);
  });
});

describe('coefficients the GPU cannot hold', () => {
  it('a mode growing past f32 in one step is an error that says what to change', () => {
    // KS grows a mode at rate kappa^2 - kappa^4, at most 1/4 (at kappa^2 = 1/2): nearly e^{0.25 dt} per step.
    expect(() => stepGraph({ name: 'ks', points: 64, extent: 60, dt: 400 })).toThrow(/grows by e\^9\d\.?\d* per step, past f32/);
    expect(() => stepGraph({ name: 'ks', points: 64, extent: 60, dt: 300 })).not.toThrow();
  });
});
