import { describe, expect, it } from 'vitest';
import { fourierSeries, generateData } from '../../src/data/generate.js';
import { GENERATOR_PARAMS, STEPPER_METHODS, STEPPER_PARAMS } from '../../src/data/params.js';
import { Rng } from '../../src/data/rng.js';
import { builtinStepper, lorenzRk4 } from '../../src/data/steppers.js';
import { generatorDecl } from './decl.js';

const decl = generatorDecl({});

/** Snapshot t of trajectory i of a 1-channel 1D set. */
const snap = (t: { shape: number[]; data: Float64Array }, i: number, s: number) => {
  const n = t.shape[3]!;
  const at = (i * t.shape[1]! + s) * n;
  return Array.from(t.data.subarray(at, at + n));
};
const roll = (u: number[], by: number) => u.map((_, i) => u[(((i - by) % u.length) + u.length) % u.length]!);

describe('generateData', () => {
  it('advection with cfl * steps a whole number of cells moves the profile exactly that far', () => {
    // 8 steps of cfl 0.25 = 2 cells to the right.
    const { train } = generateData(decl({ params: { cfl: 0.25 } }));
    expect(train.shape).toEqual([3, 9, 1, 30]);
    for (let i = 0; i < 3; i++) {
      snap(train, i, 8).forEach((x, j) => expect(x).toBeCloseTo(roll(snap(train, i, 0), 2)[j]!, 12));
      snap(train, i, 4).forEach((x, j) => expect(x).toBeCloseTo(roll(snap(train, i, 0), 1)[j]!, 12));
    }
    // Negative cfl moves left: 8 steps of -0.5 = 4 cells.
    const left = generateData(decl({ params: { cfl: -0.5 } })).train;
    snap(left, 0, 8).forEach((x, j) => expect(x).toBeCloseTo(roll(snap(left, 0, 0), -4)[j]!, 12));
  });

  it("steps with the block's method: upwind at cfl 1 is an exact shift; burgers etdrk2 is that solver's step", () => {
    const up = generateData(decl({ params: { cfl: 1 }, method: 'upwind' })).train;
    for (let s = 1; s < 9; s++) snap(up, 1, s).forEach((x, j) => expect(x).toBeCloseTo(roll(snap(up, 1, 0), s)[j]!, 12));
    const burgers = { generator: 'burgers' as const, points: 32, params: { nu: 0.05, dt: 0.01 } };
    const central = generateData(decl(burgers)).train;
    const spectral = generateData(decl({ ...burgers, method: 'etdrk2' })).train;
    // The same initial states, other steps.
    expect(snap(spectral, 0, 0)).toEqual(snap(central, 0, 0));
    expect(snap(spectral, 0, 1)).not.toEqual(snap(central, 0, 1));
    const step = builtinStepper('burgers', 'etdrk2', { nu: 0.05, dt: 0.01 }, 32);
    for (let s = 0; s < 8; s++) expect(Array.from(step(Float64Array.from(snap(spectral, 2, s))))).toEqual(snap(spectral, 2, s + 1));
  });

  it('draws initial states as truncated Fourier series with amplitudes ~ U(-1, 1)', () => {
    const n = 32;
    const modes = 3;
    const rng = new Rng(9);
    const amplitudes: number[] = [];
    for (let draw = 0; draw < 400; draw++) {
      const u = fourierSeries(n, modes, rng);
      // Recover the coefficients with a DFT: a_k = (2/N) sum u_j sin(k x_j), b_k likewise with cos.
      for (let k = 0; k <= n / 2; k++) {
        let a = 0;
        let b = 0;
        u.forEach((x, j) => {
          a += (2 / n) * x * Math.sin((2 * Math.PI * k * j) / n);
          b += (2 / n) * x * Math.cos((2 * Math.PI * k * j) / n);
        });
        if (k >= 1 && k <= modes) amplitudes.push(a, b);
        else {
          // No offset and nothing above the highest mode.
          expect(Math.abs(a)).toBeLessThan(1e-12);
          expect(Math.abs(b)).toBeLessThan(1e-12);
        }
      }
    }
    // 2400 draws of U(-1, 1): range just inside +-1, mean ~0 (sd 0.012), E|a| = 1/2.
    expect(Math.max(...amplitudes)).toBeLessThan(1);
    expect(Math.max(...amplitudes)).toBeGreaterThan(0.99);
    expect(Math.min(...amplitudes)).toBeGreaterThanOrEqual(-1);
    expect(Math.min(...amplitudes)).toBeLessThan(-0.99);
    expect(Math.abs(amplitudes.reduce((x, y) => x + y) / amplitudes.length)).toBeLessThan(0.05);
    expect(amplitudes.reduce((x, y) => x + Math.abs(y), 0) / amplitudes.length).toBeCloseTo(0.5, 1);
  });

  it('is deterministic under a seed, and held-out trajectories are different draws', () => {
    const a = generateData(decl({}));
    const b = generateData(decl({}));
    expect(a.train.data).toEqual(b.train.data);
    expect(a.test.shape).toEqual([2, 9, 1, 30]);
    expect(snap(a.test, 0, 0)).not.toEqual(snap(a.train, 0, 0));
    expect(generateData(decl({ seed: 1 })).train.data).not.toEqual(a.train.data);
    expect(generateData(decl({ testTrajectories: 0 })).test.shape).toEqual([0, 9, 1, 30]);
  });

  it('held-out trajectories have their own length, test_snapshots: the same states as far as they go', () => {
    const short = generateData(decl({ snapshots: 5 }));
    const long = generateData(decl({ snapshots: 5, testSnapshots: 12 }));
    expect(short.test.shape).toEqual([2, 5, 1, 30]);
    expect(long.test.shape).toEqual([2, 12, 1, 30]);
    expect(long.train).toEqual(short.train);
    // Trajectory 1's first 5 snapshots are the short split's trajectory 1.
    expect(long.test.data.subarray(12 * 30, 17 * 30)).toEqual(short.test.data.subarray(5 * 30, 10 * 30));
  });

  it('diffusion and burgers produce finite, decaying trajectories', () => {
    for (const generator of ['diffusion', 'burgers'] as const) {
      const { train } = generateData(decl({ generator, points: 64, snapshots: 100 }));
      expect(train.data.every(Number.isFinite)).toBe(true);
      const energy = (s: number) => snap(train, 0, s).reduce((e, x) => e + x * x, 0);
      expect(energy(99)).toBeLessThan(energy(0));
    }
  });

  it('lorenz63: [n, snapshots, 3], snapshot 0 after the warm-up, then RK4 steps', () => {
    const { train } = generateData(decl({ generator: 'lorenz63', points: 0, snapshots: 5, params: { warmup: 10 } }));
    expect(train.shape).toEqual([3, 5, 3]);
    const step = lorenzRk4(0.01, 10, 28, 8 / 3);
    const x0 = train.data.subarray(0, 3);
    expect(Array.from(step(x0))).toEqual(Array.from(train.data.subarray(3, 6)));
    // The warm-up really ran: the draw itself is N(0, 1) per component.
    const r = new Rng(0, 0);
    const drawn = Float64Array.from({ length: 3 }, () => r.normal());
    let u: Float64Array = drawn;
    for (let s = 0; s < 10; s++) u = step(u);
    expect(Array.from(x0)).toEqual(Array.from(u));
  });

  it('refuses modes the grid cannot resolve, and unknown parameters as a compiler bug', () => {
    expect(() => generateData(decl({ points: 10, params: { modes: 5 } }))).toThrow(
      'advection: modes 5 needs more than 10 points, got 10',
    );
    expect(() => generateData(decl({ params: { gamma: 1 } }))).toThrow("internal: advection has no parameter 'gamma'");
  });

  it('GENERATOR_PARAMS extends each stepper table, and every system has a default method', () => {
    for (const name of Object.keys(STEPPER_PARAMS) as (keyof typeof STEPPER_PARAMS)[]) {
      expect(GENERATOR_PARAMS[name]).toMatchObject(STEPPER_PARAMS[name]);
      expect(STEPPER_METHODS[name].length).toBeGreaterThan(0);
    }
  });
});
