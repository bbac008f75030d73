// Data of the spectral solvers (scenarios §6-7): the dealiasing masks'
// sizes, the truncated Fourier series initial states, and trajectories with
// warm-up steps discarded.
import { describe, expect, it } from 'vitest';
import { bins, dealiased } from '../../../src/data/etdrk/grid.js';
import { fourierState, FOURIER_DEFAULTS } from '../../../src/data/etdrk/initial.js';
import { spectralTrajectories, type SpectralData } from '../../../src/data/etdrk/rollout.js';
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

describe('spectral trajectories', () => {
  const ks: SpectralData = {
    solver: { name: 'ks', points: 64, extent: 60, dt: 0.5 },
    ic: { ...FOURIER_DEFAULTS, maxOne: true },
    trajectories: 3,
    snapshots: 7,
    warmup: 0,
    seed: 4,
    stream: 0,
  };

  it('start at the drawn initial state, [trajectories, snapshots, 1, N]', () => {
    const t = spectralTrajectories(ks);
    expect(t.shape).toEqual([3, 7, 1, 64]);
    const r = new Rng(4);
    const first = fourierState({ dims: 1, points: 64, extent: 60 }, ks.ic, r);
    expect(Array.from(t.data.subarray(0, 64))).toEqual(Array.from(first));
    expect(t.data.every(Number.isFinite)).toBe(true);
  });

  it('discard the warm-up steps: warmup 3 is the same run from its fourth state on', () => {
    const full = spectralTrajectories(ks);
    const warm = spectralTrajectories({ ...ks, warmup: 3, snapshots: 4 });
    for (let i = 0; i < 3; i++)
      for (let t = 0; t < 4; t++) {
        const a = full.data.subarray((i * 7 + t + 3) * 64, (i * 7 + t + 4) * 64);
        const b = warm.data.subarray((i * 4 + t) * 64, (i * 4 + t + 1) * 64);
        expect(Array.from(b)).toEqual(Array.from(a));
      }
  });

  it('of a 2-D solver, from another stream', () => {
    const t = spectralTrajectories({ ...ks, solver: { name: 'diffusion', dims: 2, points: 16 }, stream: 1, snapshots: 2 });
    expect(t.shape).toEqual([3, 2, 1, 16, 16]);
    expect(t.data.every(Number.isFinite)).toBe(true);
  });
});
