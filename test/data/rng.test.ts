import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/data/rng.js';

describe('Rng', () => {
  it('is xoshiro128**: the reference implementation from state {1, 2, 3, 4}', () => {
    // Vector produced with Blackman & Vigna's xoshiro128starstar.c (v1.1), as
    // published in the rand_xoshiro crate's tests.
    const r = Rng.fromState([1, 2, 3, 4]);
    const got = Array.from({ length: 10 }, () => r.nextUint32());
    expect(got).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('repeats a stream for the same seed and stream, and separates different ones', () => {
    const draw = (seed: number, stream = 0) => {
      const r = new Rng(seed, stream);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42, 0)).not.toEqual(draw(42, 1));
    // The high 32 bits of a seed matter too.
    expect(draw(1)).not.toEqual(draw(1 + 2 ** 32));
  });

  it('draws uniform numbers inside [lo, hi) with the right mean', () => {
    const r = new Rng(7);
    const xs = Array.from({ length: 20000 }, () => r.uniform(-1, 1));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    // U(-1,1) has standard deviation 1/sqrt(3); 20000 draws: sd of the mean ~0.004.
    expect(Math.abs(mean)).toBeLessThan(0.02);
  });

  it('draws standard normals', () => {
    const r = new Rng(11);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('gives permutations, each ordering about equally often', () => {
    const r = new Rng(3);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const p = r.permutation(3);
      expect([...p].sort()).toEqual([0, 1, 2]);
      counts.set(p.join(), (counts.get(p.join()) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect(r.permutation(0)).toEqual([]);
    expect(r.permutation(1)).toEqual([0]);
  });

  it('int(n) stays in range', () => {
    const r = new Rng(5);
    for (let i = 0; i < 1000; i++) {
      const x = r.int(7);
      expect(Number.isInteger(x) && x >= 0 && x < 7).toBe(true);
    }
  });
});
