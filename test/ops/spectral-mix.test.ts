// spectral_mix as a Fourier layer's S (networks.md §6): irfft(mix(rfft(x)))
// against the doc's formula summed term by term, which picks the kept bins,
// their weight blocks and indices, and the weights γ(k) independently of
// ops/spectral-modes.ts; and what the shape rules refuse.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/graph.js';
import type { Tensor } from '../../src/ops/op.js';
import { opDef } from '../../src/ops/registry.js';
import { verify } from '../../src/ops/verify.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { random, relError, rng } from './helpers.js';

/** S(x) through the ops, x [1, I, N…], w [G, O, I, M…, 2]. */
function throughOps(x: Tensor, w: Tensor): Float64Array {
  const D = x.shape.length - 2;
  const b = new GraphBuilder('S');
  const [xi, wi] = [b.add('x', 'input', [], x.shape), b.add('w', 'input', [], w.shape)];
  const spectrum = opDef('rfft').shape([x.shape], { dims: D });
  const X = b.add('X', 'rfft', [xi], spectrum, { dims: D });
  const Y = b.add('Y', 'spectral_mix', [X, wi], opDef('spectral_mix').shape([spectrum, w.shape], {}));
  const out = b.add('S', 'irfft', [Y], [1, w.shape[1]!, ...x.shape.slice(2)], { dims: D, n: x.shape.at(-1)! });
  return evaluate(verify(b.build([out])), { x, w }).get(out)!.data;
}

/** Every index of a grid, row-major. */
function grid(N: readonly number[]): number[][] {
  return N.reduce<number[][]>((acc, n) => acc.flatMap((k) => [...Array(n).keys()].map((j) => [...k, j])), [[]]);
}

/** The doc's S(x)[o, n] = (1/|N|) Σ_{kept k} γ(k) Re(Y[o, k] e^{+2πi⟨k, n⟩}), Y[o, k] = Σ_i (R + iI)[g, o, i, m] X[i, k]. */
function byDefinition(x: Tensor, w: Tensor): Float64Array {
  const [, I, ...N] = x.shape as [number, number, ...number[]];
  const [, O, , M] = w.shape as [number, number, number, number];
  const D = N.length;
  const last = N[D - 1]!;
  const size = N.reduce((a, n) => a * n, 1);
  const points = grid(N);
  const phase = (k: number[], n: number[]) => 2 * Math.PI * k.reduce((a, kj, j) => a + (kj * n[j]!) / N[j]!, 0);
  const at = (n: number[]) => n.reduce((a, nj, j) => a * N[j]! + nj, 0);
  const out = new Float64Array(O * size);
  for (const k of grid(N.map((n, j) => (j === D - 1 ? Math.floor(n / 2) + 1 : n)))) {
    const beta = k.map((kj, j): number => (j === D - 1 ? (kj < M ? 0 : -1) : kj < M ? 0 : kj >= N[j]! - M ? 1 : -1));
    if (beta.includes(-1)) continue;
    const g = beta.slice(0, -1).reduce((a, bj, j) => a + bj * 2 ** j, 0);
    const m = k.map((kj, j) => kj - beta[j]! * (N[j]! - M));
    const X = [...Array(I).keys()].map((i) => {
      let [re, im] = [0, 0];
      for (const n of points) {
        const v = x.data[i * size + at(n)]!;
        re += v * Math.cos(phase(k, n));
        im -= v * Math.sin(phase(k, n));
      }
      return [re, im];
    });
    const gamma = k[D - 1] === 0 || 2 * k[D - 1]! === last ? 1 : 2;
    for (let o = 0; o < O; o++) {
      let [yr, yi] = [0, 0];
      for (let i = 0; i < I; i++) {
        const wAt = 2 * (((g * O + o) * I + i) * M ** D + m.reduce((a, mj) => a * M + mj, 0));
        const [r, c] = [w.data[wAt]!, w.data[wAt + 1]!];
        yr += r * X[i]![0]! - c * X[i]![1]!;
        yi += r * X[i]![1]! + c * X[i]![0]!;
      }
      for (const n of points) out[o * size + at(n)]! += (gamma / size) * (yr * Math.cos(phase(k, n)) - yi * Math.sin(phase(k, n)));
    }
  }
  return out;
}

describe("irfft(spectral_mix(rfft(x))) is networks.md's spectral convolution", () => {
  it.each([
    ['1-D, 8 points, the Nyquist bin kept', [8], 5],
    ['1-D, 7 points', [7], 3],
    ['2-D, 4 x 6: both signs of axis 0 side by side', [4, 6], 2],
    ['2-D, 7 x 5: a bin of axis 0 left out', [7, 5], 3],
    ['3-D, 6 x 4 x 5: four blocks', [6, 4, 5], 2],
  ] as const)('%s', (_, N, M) => {
    const next = rng(N.length * 10 + M);
    const [I, O] = [2, 3];
    const x = random([1, I, ...N], next);
    const w = random([2 ** (N.length - 1), O, I, ...N.map(() => M), 2], next);
    expect(relError(throughOps(x, w), byDefinition(x, w))).toBeLessThan(1e-12);
  });
});

describe('shape rules', () => {
  const mix = (x: (number | 'B')[], w: (number | 'B')[]) => () => opDef('spectral_mix').shape([x, w], {});
  it('gives the mixed spectrum, its transposes their operands', () => {
    expect(opDef('spectral_mix').shape([['B', 2, 6, 4, 2], [2, 3, 2, 2, 2, 2]], {})).toEqual(['B', 3, 6, 4, 2]);
    expect(opDef('spectral_mix_t').shape([['B', 3, 6, 4, 2], [2, 3, 2, 2, 2, 2]], {})).toEqual(['B', 2, 6, 4, 2]);
    expect(opDef('spectral_mix_w').shape([['B', 3, 6, 4, 2], ['B', 2, 6, 4, 2]], { modes: 2 })).toEqual([2, 3, 2, 2, 2, 2]);
  });
  it('refuses modes past the bins and a weight of another layout', () => {
    expect(mix(['B', 2, 5, 2], [1, 3, 2, 6, 2])).toThrow(/keeps 6 modes, but the last axis has 5 bins/);
    expect(mix(['B', 2, 5, 4, 2], [2, 3, 2, 3, 3, 2])).toThrow(/keeps 3 modes of each sign, but an axis has 5 bins/);
    expect(mix(['B', 2, 6, 4, 2], [1, 3, 2, 2, 2, 2])).toThrow(/takes a weight \[2, O, I, 2, 2, 2\], got f32\[1,3,2,2,2,2\]/);
    expect(mix(['B', 2, 5, 2], [1, 3, 4, 3, 2])).toThrow(/of 2 channels takes a weight whose input channels agree, got 4/);
    expect(mix(['B', 2, 5], [1, 3, 2, 3, 2])).toThrow(/takes a half spectrum \[B, C, K…, 2\] over 1 to 3 axes/);
    expect(() => opDef('spectral_mix_w').shape([['B', 3, 5, 2], ['B', 2, 6, 2]], { modes: 2 })).toThrow(/two spectra alike but for their channels/);
  });
});
