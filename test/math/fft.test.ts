import { describe, expect, it } from 'vitest';
import { fftInPlace, irfftn, rfftn } from '../../src/math/fft.js';

/** A deterministic pseudo-random array (no dependence on the FFT under test). */
function noise(length: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  });
}

/** The N-D DFT by its definition, over the last `dims` axes: the independent oracle. */
function naiveDft(re: Float64Array, im: Float64Array, shape: readonly number[], dims: number, sign: number): { re: Float64Array; im: Float64Array } {
  const space = shape.slice(shape.length - dims);
  const points = space.reduce((a, d) => a * d, 1);
  const rows = re.length / points;
  const coords = (flat: number) => space.map((_, a) => Math.floor(flat / space.slice(a + 1).reduce((x, d) => x * d, 1)) % space[a]!);
  const out = { re: new Float64Array(re.length), im: new Float64Array(re.length) };
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < points; k++) {
      const kc = coords(k);
      for (let j = 0; j < points; j++) {
        const jc = coords(j);
        const phase = space.reduce((a, n, ax) => a + (((kc[ax]! * jc[ax]!) % n) / n), 0);
        const c = Math.cos(2 * Math.PI * phase);
        const s = sign * Math.sin(2 * Math.PI * phase);
        const xr = re[r * points + j]!;
        const xi = im[r * points + j]!;
        out.re[r * points + k]! += xr * c - xi * s;
        out.im[r * points + k]! += xr * s + xi * c;
      }
    }
  }
  return out;
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst).toBeLessThan(tol);
};

describe('fftInPlace', () => {
  it.each([1, 2, 3, 5, 8, 12, 16, 30, 64, 97, 160])('equals the DFT by definition for n = %i, both directions', (n) => {
    for (const inverse of [false, true]) {
      const re = noise(n, n);
      const im = noise(n, n + 1);
      const want = naiveDft(re, im, [n], 1, inverse ? 1 : -1);
      fftInPlace(re, im, inverse);
      close(re, want.re, 1e-12 * n);
      close(im, want.im, 1e-12 * n);
    }
  });

  it('keeps float64 accuracy at 4096 and 4095 points: an inverse after a forward returns the input', () => {
    for (const n of [4096, 4095]) {
      const re = noise(n, 7);
      const im = noise(n, 8);
      const [r0, i0] = [Float64Array.from(re), Float64Array.from(im)];
      fftInPlace(re, im, false);
      fftInPlace(re, im, true);
      close(re.map((x) => x / n), r0, 1e-13);
      close(im.map((x) => x / n), i0, 1e-13);
    }
  });
});

describe('rfftn and irfftn', () => {
  const cases: [string, number[], number][] = [
    ['1-D, even, 2 channels', [2, 16], 1],
    ['1-D, odd', [1, 15], 1],
    ['2-D, even', [2, 8, 6], 2],
    ['2-D, odd last axis', [1, 6, 5], 2],
    ['3-D', [1, 4, 6, 8], 3],
  ];

  it.each(cases)('rfftn keeps the non-negative last-axis bins of the full DFT (%s)', (_, shape, dims) => {
    const u = noise(shape.reduce((a, d) => a * d, 1), shape.length);
    const full = naiveDft(u, new Float64Array(u.length), shape, dims, -1);
    const got = rfftn(u, shape, dims);
    const n = shape.at(-1)!;
    const half = Math.floor(n / 2) + 1;
    expect(got.shape).toEqual([...shape.slice(0, -1), half]);
    const pick = (x: Float64Array) => Float64Array.from({ length: got.re.length }, (_, i) => x[Math.floor(i / half) * n + (i % half)]!);
    close(got.re, pick(full.re), 1e-11);
    close(got.im, pick(full.im), 1e-11);
  });

  it.each(cases)('irfftn of rfftn is the identity (%s)', (_, shape, dims) => {
    const u = noise(shape.reduce((a, d) => a * d, 1), 3);
    const x = rfftn(u, shape, dims);
    const back = irfftn(x, x.shape, dims, shape.at(-1)!);
    expect(back.shape).toEqual(shape);
    close(back.data, u, 1e-13);
  });

  it.each(cases)('irfftn of any half spectrum is numpy\'s rule: N^-D sum_b c_b Re(X_b e^{i k.x}) (%s)', (_, shape, dims) => {
    const n = shape.at(-1)!;
    const half = Math.floor(n / 2) + 1;
    const specShape = [...shape.slice(0, -1), half];
    const size = specShape.reduce((a, d) => a * d, 1);
    const x = { re: noise(size, 11), im: noise(size, 12) };
    // The rule, by definition: weight each half-spectrum bin by c_b and take the real part.
    const space = shape.slice(shape.length - dims);
    const points = space.reduce((a, d) => a * d, 1);
    const binsPerRow = size / (shape.slice(0, shape.length - dims).reduce((a, d) => a * d, 1));
    const want = new Float64Array(shape.reduce((a, d) => a * d, 1));
    const specSpace = specShape.slice(specShape.length - dims);
    const coordsOf = (flat: number, dimsOf: number[]) => dimsOf.map((_, a) => Math.floor(flat / dimsOf.slice(a + 1).reduce((p, d) => p * d, 1)) % dimsOf[a]!);
    for (let r = 0; r < want.length / points; r++) {
      for (let j = 0; j < points; j++) {
        const jc = coordsOf(j, space);
        let acc = 0;
        for (let b = 0; b < binsPerRow; b++) {
          const kc = coordsOf(b, specSpace);
          const last = kc.at(-1)!;
          const c = last === 0 || 2 * last === n ? 1 : 2;
          const phase = 2 * Math.PI * space.reduce((a, m, ax) => a + ((kc[ax]! * jc[ax]!) % m) / m, 0);
          acc += c * (x.re[r * binsPerRow + b]! * Math.cos(phase) - x.im[r * binsPerRow + b]! * Math.sin(phase));
        }
        want[r * points + j] = acc / points;
      }
    }
    close(irfftn(x, specShape, dims, n).data, want, 1e-12);
  });
});
