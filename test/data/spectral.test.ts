import { describe, expect, it } from 'vitest';
import { correlateCircular, spectralKernel, type Complex } from '../../src/data/spectral.js';
import { Rng } from '../../src/data/rng.js';

// An independent model of Trainax's spectral step, irfft(m * rfft(u), N), with
// a direct O(N^2) DFT. numpy's irfft ignores the imaginary parts of the DC bin
// and (for even N) of the Nyquist bin; so does this.
function rfftStep(u: Float64Array, m: Complex[]): Float64Array {
  const n = u.length;
  const half = Math.floor(n / 2);
  const spec: Complex[] = [];
  for (let k = 0; k <= half; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * k * j) / n;
      re += u[j]! * Math.cos(a);
      im += u[j]! * Math.sin(a);
    }
    const mk = m[k]!;
    spec.push({ re: re * mk.re - im * mk.im, im: re * mk.im + im * mk.re });
  }
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let acc = spec[0]!.re;
    for (let k = 1; k <= half; k++) {
      const a = (2 * Math.PI * k * j) / n;
      const sk = spec[k]!;
      const term = sk.re * Math.cos(a) - sk.im * Math.sin(a);
      // The Nyquist bin has no mirror; sin(pi j) = 0 drops its imaginary part.
      acc += n % 2 === 0 && k === half ? term : 2 * term;
    }
    out[j] = acc / n;
  }
  return out;
}

describe('spectralKernel', () => {
  for (const n of [1, 2, 5, 8, 30, 31]) {
    it(`reproduces irfft(m * rfft(u)) for arbitrary complex m, N = ${n}`, () => {
      const rng = new Rng(n);
      const m = Array.from({ length: Math.floor(n / 2) + 1 }, () => ({ re: rng.normal(), im: rng.normal() }));
      const u = Float64Array.from({ length: n }, () => rng.normal());
      const h = spectralKernel(n, (k) => m[k]!);
      const got = correlateCircular(u, h);
      const want = rfftStep(u, m);
      for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(want[i]!, 12);
    });
  }

  it('is a cross-correlation: a shift by one cell to the right is h = e_{N-1}', () => {
    // out[i] = u[i-1] = h[N-1] u[(i + N-1) mod N]
    const n = 6;
    const h = spectralKernel(n, (k) => ({ re: Math.cos((-2 * Math.PI * k) / n), im: Math.sin((-2 * Math.PI * k) / n) }));
    const want = [0, 0, 0, 0, 0, 1];
    h.forEach((x, j) => expect(x).toBeCloseTo(want[j]!, 14));
  });

  it('applies the kernel to every row of a multi-channel state', () => {
    const h = Float64Array.of(0, 1, 0); // out[i] = u[i+1]
    expect(Array.from(correlateCircular(Float64Array.of(1, 2, 3, 4, 5, 6), h))).toEqual([2, 3, 1, 5, 6, 4]);
  });
});
