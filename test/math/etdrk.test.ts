// The ETDRK coefficients' contour means: equal to the closed forms where
// those are accurate (|z| not small), to their Taylor limits at z = 0 where
// the closed forms are 0/0, complex for complex z and real for real z.
import { describe, expect, it } from 'vitest';
import { contourMean, phi, type Phi } from '../../src/math/etdrk.js';

const ALL: Phi[] = ['g1', 'g1h', 'g2', 'ga', 'gb', 'gc'];

/**
 * Each g is (p(w) + e^w q(w)) / w^k with the terms below w^k cancelling, so
 * g(w) = sum_{n >= k} [w^n](e^w q(w)) w^{n-k}; 30 terms, for |w| <= 1/2.
 * g1h = (e^{w/2} - 1) / w = sum_{n >= 1} w^{n-1} / (2^n n!).
 */
function taylor(g: Phi, w: number): number {
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  const forms: Record<Exclude<Phi, 'g1h'>, [number[], number]> = { g1: [[1], 1], g2: [[1], 2], ga: [[4, -3, 1], 3], gb: [[-2, 1], 3], gc: [[4, -1], 3] };
  let sum = 0;
  for (let n = 30; n >= 0; n--) {
    if (g === 'g1h') {
      if (n >= 1) sum += w ** (n - 1) / (2 ** n * fact(n));
      continue;
    }
    const [q, k] = forms[g];
    if (n < k) continue;
    const coeff = q.reduce((a, qj, j) => (n - j >= 0 ? a + qj / fact(n - j) : a), 0);
    sum += coeff * w ** (n - k);
  }
  return sum;
}

describe('ETDRK contour means', () => {
  it.each(ALL)('%s equals its closed form away from 0, real and complex', (g) => {
    for (const z of [{ re: -3, im: 0 }, { re: 2.5, im: 0 }, { re: -40, im: 0 }, { re: -1.5, im: 2 }, { re: 0, im: -4 }]) {
      const mean = contourMean(g, z);
      const exact = phi(g, z);
      const scale = Math.max(1e-3, Math.hypot(exact.re, exact.im));
      expect(Math.hypot(mean.re - exact.re, mean.im - exact.im) / scale, `${g}(${z.re}${z.im >= 0 ? '+' : ''}${z.im}i)`).toBeLessThan(1e-13);
      if (z.im === 0) expect(mean.im).toBe(0);
    }
  });

  it.each(ALL)('%s near 0, where the closed form cancels, equals its Taylor series', (g) => {
    for (const w of [0, 1e-6, -1e-3, 0.1, -0.5]) {
      const mean = contourMean(g, { re: w, im: 0 }).re;
      expect(Math.abs(mean - taylor(g, w)), `${g}(${w})`).toBeLessThan(1e-14);
    }
    // What the mean is for: the closed form at 1e-6 has lost many digits.
    if (g !== 'g1' && g !== 'g1h') expect(Math.abs(phi(g, { re: 1e-6, im: 0 }).re - taylor(g, 1e-6))).toBeGreaterThan(1e-8);
  });

  it('keeps the imaginary part of a complex argument (odd-order symbols)', () => {
    const m = contourMean('g2', { re: 0, im: 1e-3 });
    // g2(w) = 1/2 + w/6 + w^2/24 + w^3/120 + ..., so Im g2(i eps) = eps/6 - eps^3/120 + ...
    expect(m.im).toBeCloseTo(1e-3 / 6 - 1e-9 / 120, 15);
    expect(m.re).toBeCloseTo(0.5 - 1e-6 / 24, 14);
  });
});
