// The built-in systems on 2-D and 3-D fields: the generators against exact
// solutions, the initial series' band limit, and the finite-difference
// schemes' order of convergence.
import { describe, expect, it } from 'vitest';
import { fourierSeries, generateData } from '../../src/data/generate.js';
import { halfWavevectors } from '../../src/data/grid.js';
import { Rng } from '../../src/data/rng.js';
import { advectionUpwind, burgersCentral, diffusionSpectral } from '../../src/data/steppers.js';
import { rfftn } from '../../src/math/fft.js';
import { generatorDecl } from './decl.js';

const decl = generatorDecl({ points: 12, dims: 2, trajectories: 2, snapshots: 5, testTrajectories: 0, seed: 3 });

/** The grid coordinates (i_0, …, i_{D-1}) of every point of one channel, in row-major order. */
function gridPoints(points: number, dims: number): number[][] {
  let all: number[][] = [[]];
  for (let d = 0; d < dims; d++) all = all.flatMap((x) => Array.from({ length: points }, (_, m) => [...x, m]));
  return all;
}

/** np.roll of a field [n, …, n] (row-major) by `by[d]` cells along axis d (one number: along every axis). */
function rollAll(u: Float64Array, n: number, dims: number, by: number | number[]): Float64Array {
  const pts = gridPoints(n, dims);
  const flat = (p: number[]) => p.reduce((acc, c) => acc * n + c, 0);
  const shift = (d: number) => (typeof by === 'number' ? by : by[d]!);
  const out = new Float64Array(u.length);
  pts.forEach((p, i) => (out[i] = u[flat(p.map((c, d) => (((c - shift(d)) % n) + n) % n))]!));
  return out;
}

/** Snapshot s of trajectory 0, of `size` values. */
const snap = (data: Float64Array, s: number, size: number) => data.subarray(s * size, (s + 1) * size);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('generators on N-D fields', () => {
  it('advection by whole cells on every axis is an exact roll of the initial state (2-D and 3-D)', () => {
    // 4 steps of cfl 0.5 = 2 cells along each axis.
    const two = generateData(decl({ params: { cfl: 0.5, modes: 3 } })).train;
    expect(two.shape).toEqual([2, 5, 1, 12, 12]);
    expect(maxDiff(snap(two.data, 4, 144), rollAll(snap(two.data, 0, 144), 12, 2, 2))).toBeLessThan(1e-12);
    // 2 steps of cfl -1 = 2 cells towards lower indices, on an 8^3 grid.
    const three = generateData(decl({ dims: 3, points: 8, snapshots: 3, params: { cfl: -1, modes: 2 } })).train;
    expect(three.shape).toEqual([2, 3, 1, 8, 8, 8]);
    expect(maxDiff(snap(three.data, 2, 512), rollAll(snap(three.data, 0, 512), 8, 3, -2))).toBeLessThan(1e-12);
    // One CFL number per axis: 4 steps of [0.5, -0.25] = 2 cells down axis 0, 1 cell back along axis 1.
    const each = generateData(decl({ params: { cfl: [0.5, -0.25], modes: 3 } })).train;
    expect(maxDiff(snap(each.data, 4, 144), rollAll(snap(each.data, 0, 144), 12, 2, [2, -1]))).toBeLessThan(1e-12);
  });

  it('exact diffusion decays a single mode k by exp(-gamma |2 pi k / N|^2) per step', () => {
    for (const [n, k] of [
      [16, [1, -2]],
      [8, [1, 0, 3]],
    ] as const) {
      const dims = k.length;
      const u = Float64Array.from(gridPoints(n, dims), (j) => Math.cos((2 * Math.PI * j.reduce((a, x, d) => a + x * k[d]!, 0)) / n));
      const gamma = 0.2;
      const factor = Math.exp(-gamma * k.reduce((a: number, kd) => a + ((2 * Math.PI * kd) / n) ** 2, 0));
      const got = diffusionSpectral(n, gamma, dims)(u);
      expect(maxDiff(got, u.map((x) => x * factor))).toBeLessThan(1e-14);
    }
  });

  it('initial states are sums over the wavevectors |k_d| <= modes, nothing else, no offset', () => {
    expect(halfWavevectors(2, 1)).toEqual([[1], [2]]);
    // One of each pair ±k: (3^2 - 1) / 2 for modes 1 in 2-D.
    expect(halfWavevectors(1, 2)).toEqual([[0, 1], [1, -1], [1, 0], [1, 1]]);
    const n = 12;
    const modes = 2;
    const u = fourierSeries(n, modes, new Rng(1), 2);
    const x = rfftn(u, [n, n], 2);
    let inside = 0;
    for (let b = 0; b < x.re.length; b++) {
      const [i, k1] = [Math.floor(b / (n / 2 + 1)), b % (n / 2 + 1)];
      const k0 = 2 * i < n ? i : i - n;
      const amp = Math.hypot(x.re[b]!, x.im[b]!);
      if (Math.abs(k0) <= modes && k1 <= modes && (k0 !== 0 || k1 !== 0)) inside = Math.max(inside, amp);
      else expect(amp).toBeLessThan(1e-10);
    }
    expect(inside).toBeGreaterThan(1);
  });

  it('2-D burgers keeps the sum of the field and loses energy', () => {
    const { train } = generateData(decl({ generator: 'burgers', points: 16, snapshots: 40, params: { modes: 2 } }));
    const size = 256;
    const sum = (s: number) => snap(train.data, s, size).reduce((a, x) => a + x, 0);
    const energy = (s: number) => snap(train.data, s, size).reduce((a, x) => a + x * x, 0);
    expect(Math.abs(sum(39) - sum(0))).toBeLessThan(1e-10);
    expect(energy(39)).toBeLessThan(energy(0));
  });
});

describe('finite differences in 2-D converge at their order', () => {
  it('upwind advection of sin(x + 2y): the error halves with dx (first order)', () => {
    // Along both axes by pi/4 in N/4 steps of cfl 0.5: the exact solution is
    // sin(x + 2y - 3 pi/4). (On sin(x + y) the unsplit step with equal CFL
    // numbers is an exact diagonal shift: no error to measure.)
    const error = (n: number) => {
      const pts = gridPoints(n, 2);
      const x = (j: number[]) => (2 * Math.PI * (j[0]! + 2 * j[1]!)) / n;
      let u: Float64Array = Float64Array.from(pts, (j) => Math.sin(x(j)));
      const step = advectionUpwind(n, 0.5, 2);
      for (let s = 0; s < n / 4; s++) u = step(u);
      return maxDiff(u, Float64Array.from(pts, (j) => Math.sin(x(j) - (3 * Math.PI) / 4)));
    };
    const ratios = [error(16) / error(32), error(32) / error(64)];
    for (const r of ratios) {
      expect(r).toBeGreaterThan(1.8);
      expect(r).toBeLessThan(2.2);
    }
  });

  it('central-difference burgers: the error against a fine grid falls four-fold when dx halves (second order)', () => {
    // The same small time step on every grid, so what differs is the space error.
    const solve = (n: number) => {
      const pts = gridPoints(n, 2);
      let u: Float64Array = Float64Array.from(pts, ([i, j]) => 0.5 * Math.sin((2 * Math.PI * i!) / n) + 0.3 * Math.cos((2 * Math.PI * j!) / n));
      const step = burgersCentral(n, 0.1, 0.005, 1, 2);
      for (let s = 0; s < 100; s++) u = step(u);
      return u;
    };
    const fine = 128;
    const ref = solve(fine);
    const error = (n: number) => {
      const r = fine / n;
      return maxDiff(solve(n), Float64Array.from(gridPoints(n, 2), ([i, j]) => ref[i! * r * fine + j! * r]!));
    };
    const ratio = error(16) / error(32);
    expect(ratio).toBeGreaterThan(3.5);
    expect(ratio).toBeLessThan(4.5);
  });
});
