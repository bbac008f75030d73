// Data of the spectral solvers (scenarios §6-7): the dealiasing masks'
// sizes, the truncated Fourier series initial states, and `data ks`
// trajectories with warm-up steps discarded; Fisher–KPP densities and KdV data.
import { describe, expect, it } from 'vitest';
import { bins, dealiased } from '../../../src/data/etdrk/grid.js';
import { fourierState, FOURIER_DEFAULTS } from '../../../src/data/etdrk/initial.js';
import { stepGraph } from '../../../src/data/etdrk/catalogue.js';
import { generateData } from '../../../src/data/generate.js';
import { evaluate } from '../../../src/ops/interpreter.js';
import { tensor } from '../../../src/ops/tensor.js';
import { generatorDecl } from '../decl.js';
import { Rng } from '../../../src/data/rng.js';

/** The largest |k| a mask keeps on a 1-D grid of N points. */
const keptUpTo = (points: number, fraction: number) => {
  const keep = dealiased({ dims: 1, points, extent: 1 }, fraction);
  return Math.max(...bins({ dims: 1, points, extent: 1 }).filter(keep).map((b) => b.k[0]!));
};

describe('dealiasing keeps |k| <= f (N//2) - 1 on every axis', () => {
  it.each([
    [16, 4, 3],
    [24, 7, 5],
    [32, 9, 7],
    [64, 20, 15],
    [128, 41, 31],
    [160, 52, 39],
    [256, 84, 63],
    [512, 169, 127],
  ])('N = %i: 2/3 keeps %i, 1/2 keeps %i', (N, twoThirds, half) => {
    expect(keptUpTo(N, 2 / 3)).toBe(twoThirds);
    expect(keptUpTo(N, 1 / 2)).toBe(half);
  });

  it('is a hypercube in 2-D', () => {
    const g = { dims: 2, points: 16, extent: 1 };
    const kept = bins(g).filter(dealiased(g, 2 / 3));
    // |k_0| <= 4 (9 values) times k_1 in 0..4 (5 values).
    expect(kept.length).toBe(45);
  });
});

describe('truncated Fourier series initial states', () => {
  it('in 1-D: sum_{k=1}^{cutoff} A_k cos(kappa_k x + phi_k), A ~ U(-1, 1), phi ~ U(0, 2 pi), bins 0..cutoff drawn', () => {
    const N = 32;
    const extent = 3;
    const u = fourierState({ dims: 1, points: N, extent }, { ...FOURIER_DEFAULTS, cutoff: 4 }, new Rng(11));
    const r = new Rng(11);
    const A = Array.from({ length: 5 }, () => r.uniform(-1, 1));
    const phi = Array.from({ length: 5 }, () => r.uniform(0, 2 * Math.PI));
    u.forEach((v, j) => {
      const x = (j * extent) / N;
      const exact = [1, 2, 3, 4].reduce((a, k) => a + A[k]! * Math.cos(((2 * Math.PI * k) / extent) * x + phi[k]!), 0);
      expect(Math.abs(v - exact)).toBeLessThan(1e-14);
    });
  });

  it('max_one scales the largest |u| to 1; an offset is drawn unless zero_mean', () => {
    const g = { dims: 2, points: 16, extent: 1 };
    const u = fourierState(g, { ...FOURIER_DEFAULTS, maxOne: true }, new Rng(2));
    expect(Math.max(...u.map(Math.abs))).toBeCloseTo(1, 15);
    expect(Math.abs(u.reduce((a, x) => a + x, 0) / u.length)).toBeLessThan(1e-15);
    const shifted = fourierState(g, { ...FOURIER_DEFAULTS, zeroMean: false, offset: [2, 3] }, new Rng(2));
    const mean = shifted.reduce((a, x) => a + x, 0) / shifted.length;
    expect(mean).toBeGreaterThan(2);
    expect(mean).toBeLessThan(3);
  });

  it('rejects a cutoff the grid cannot hold, and std_one with max_one', () => {
    expect(() => fourierState({ dims: 1, points: 8, extent: 1 }, { ...FOURIER_DEFAULTS, cutoff: 4 }, new Rng(0))).toThrow(/cutoff 4/);
    expect(() => fourierState({ dims: 1, points: 32, extent: 1 }, { ...FOURIER_DEFAULTS, stdOne: true, maxOne: true }, new Rng(0))).toThrow(/std_one/);
  });
});

describe('ks data (generateData through the step graph)', () => {
  const ks = generatorDecl({ generator: 'ks', points: 64, trajectories: 3, snapshots: 7, testTrajectories: 1, seed: 4, params: { extent: 60, dt: 0.5 } });

  it('start at the drawn initial state (max |u| = 1), [trajectories, snapshots, 1, N]', () => {
    const { train, test } = generateData(ks({}));
    expect(train.shape).toEqual([3, 7, 1, 64]);
    expect(test.shape).toEqual([1, 7, 1, 64]);
    const first = fourierState({ dims: 1, points: 64, extent: 60 }, { ...FOURIER_DEFAULTS, maxOne: true }, new Rng(4));
    expect(Array.from(train.data.subarray(0, 64))).toEqual(Array.from(first));
    expect(train.data.every(Number.isFinite)).toBe(true);
  });

  it('discard the warm-up steps: warmup 3 is the same run from its fourth state on', () => {
    const full = generateData(ks({})).train;
    const warm = generateData(ks({ snapshots: 4, params: { extent: 60, dt: 0.5, warmup: 3 } })).train;
    for (let i = 0; i < 3; i++)
      for (let t = 0; t < 4; t++) {
        const a = full.data.subarray((i * 7 + t + 3) * 64, (i * 7 + t + 4) * 64);
        const b = warm.data.subarray((i * 4 + t) * 64, (i * 4 + t + 1) * 64);
        expect(Array.from(b)).toEqual(Array.from(a));
      }
  });

  it('each step is the solver\'s step graph, interpreted', () => {
    const { train } = generateData(ks({ trajectories: 1, snapshots: 2 }));
    const g = stepGraph({ name: 'ks', points: 64, extent: 60, dt: 0.5, order: 2 });
    const next = evaluate(g, { u: tensor([1, 1, 64], train.data.subarray(0, 64)) }).get(g.outputs[0]!)!;
    expect(Array.from(train.data.subarray(64, 128))).toEqual(Array.from(next.data));
  });

  it('in 2-D', () => {
    const { train } = generateData(ks({ dims: 2, points: 16, snapshots: 2, params: { extent: 20, dt: 0.1, cutoff: 3 } }));
    expect(train.shape).toEqual([3, 2, 1, 16, 16]);
    expect(train.data.every(Number.isFinite)).toBe(true);
  });
});

describe('data of the other ETDRK systems', () => {
  it('fisher_kpp starts from densities: each state mapped onto [0, 1], its mean kept', () => {
    const d = generatorDecl({ generator: 'fisher_kpp', points: 32, trajectories: 3, snapshots: 2, testTrajectories: 0, params: { dt: 0.01 } })({});
    const { train } = generateData(d);
    for (let i = 0; i < 3; i++) {
      const u0 = train.data.subarray(i * 2 * 32, i * 2 * 32 + 32);
      expect(Math.min(...u0)).toBeCloseTo(0, 14);
      expect(Math.max(...u0)).toBeCloseTo(1, 14);
    }
  });

  it('kdv starts from max |u| = 1 and steps by its step graph', () => {
    const d = generatorDecl({ generator: 'kdv', points: 32, trajectories: 1, snapshots: 2, testTrajectories: 0, params: {} })({});
    const { train } = generateData(d);
    const u0 = train.data.subarray(0, 32);
    expect(Math.max(...u0.map(Math.abs))).toBeCloseTo(1, 14);
    const g = stepGraph({ name: 'kdv', points: 32 });
    const u1 = evaluate(g, { u: tensor([1, 1, 32], u0) }).get(g.outputs[0]!)!.data;
    expect(Array.from(train.data.subarray(32, 64))).toEqual(Array.from(u1));
  });
});
