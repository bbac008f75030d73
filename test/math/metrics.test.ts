// Each metric against a value worked out by hand from its definition
// (docs/evaluation.md) on arrays small enough to check on paper.
import { describe, expect, test } from 'vitest';
import { channelValues, checkMetric, parseMetric, sampleValue } from '../../src/math/metrics.js';
import { fourierAggregate } from '../../src/math/fourier-metrics.js';
import { gmeanUpTo, meanUpTo, spread } from '../../src/math/spread.js';

/** One sample's value of the metric named `name`. */
const value = (name: string, u: number[], r: number[], shape: number[]) => {
  const m = parseMetric(name);
  return sampleValue(m, channelValues(m, u, r, shape));
};

describe('spatial metrics', () => {
  // u = [1, 2, 3, 4], r = [2, 2, 2, 2]: the error is [-1, 0, 1, 2].
  // mean |e| = 4/4 = 1, mean |r| = 2, mean |u| = 10/4 = 2.5;
  // mean e² = 6/4 = 1.5, mean r² = 4, mean u² = 30/4 = 7.5.
  const u = [1, 2, 3, 4];
  const r = [2, 2, 2, 2];
  const cases: [string, number][] = [
    ['MAE', 1],
    ['nMAE', 1 / 2],
    ['sMAE', (2 * 1) / (2.5 + 2)],
    ['MSE', 1.5],
    ['nMSE', 1.5 / 4],
    ['sMSE', (2 * 1.5) / (7.5 + 4)],
    ['RMSE', Math.sqrt(1.5)],
    ['nRMSE', Math.sqrt(1.5) / 2],
    // The outer exponent on each norm before the ratio.
    ['sRMSE', (2 * Math.sqrt(1.5)) / (Math.sqrt(7.5) + 2)],
  ];
  for (const [name, expected] of cases) test(name, () => expect(value(name, u, r, [1, 4])).toBeCloseTo(expected, 14));

  test('channels are summed, correlation averaged', () => {
    // Channel 0: u [1, 3], r [1, 1]: error [0, 2], mean e² = 2, mean r² = 1 -> nRMSE √2;
    //   correlation (1 + 3) / (√10 · √2) = 4/√20.
    // Channel 1: u [2, -2], r [1, 1]: error [1, -3], mean e² = 5 -> nRMSE √5; correlation 0.
    const [u2, r2] = [[1, 3, 2, -2], [1, 1, 1, 1]];
    expect(value('nRMSE', u2, r2, [2, 2])).toBeCloseTo(Math.SQRT2 + Math.sqrt(5), 14);
    expect(value('correlation', u2, r2, [2, 2])).toBeCloseTo((4 / Math.sqrt(20) + 0) / 2, 14);
  });

  test('a state without space (Lorenz-63, [3]): each of the 3 numbers is a channel', () => {
    // |1 - 2| / |2| + |1 - 1| / |1| + |0 - 4| / |4| = 0.5 + 0 + 1
    expect(value('nRMSE', [1, 1, 0], [2, 1, 4], [3])).toBeCloseTo(1.5, 14);
  });

  test('a zero reference channel makes the normalised metric infinite', () => {
    expect(value('nRMSE', [1, 1], [0, 0], [1, 2])).toBe(Infinity);
  });
});

describe('values beyond the squares float64 can hold', () => {
  // A diverged prediction u = 7e171 everywhere against r = [1, -1, 1, -1]: the
  // error is 7e171 ∓ 1 = 7e171 in float64, whose square (4.9e343) overflows,
  // while its root mean square, 7e171, and nRMSE = 7e171 / 1 do not.
  const u = [7e171, 7e171, 7e171, 7e171];
  const r = [1, -1, 1, -1];
  test('RMSE, nRMSE, MAE and the Fourier forms are finite where the answer is', () => {
    expect(value('RMSE', u, r, [1, 4]) / 7e171).toBeCloseTo(1, 14);
    expect(value('nRMSE', u, r, [1, 4]) / 7e171).toBeCloseTo(1, 14);
    expect(value('MAE', u, r, [1, 4]) / 7e171).toBeCloseTo(1, 14);
    // The error is a constant: all of it in mode 0, F(e) = (4 · 7e171)² / 16 = (7e171)², and r = cos(π j)
    // lies at Nyquist, F(r) = 4² / 16 = 1.
    expect(value('fourier_nRMSE', u, r, [1, 4]) / 7e171).toBeCloseTo(1, 14);
    expect(value('fourier_RMSE', u, r, [1, 4]) / 7e171).toBeCloseTo(1, 14);
  });
  test('correlation of huge and tiny fields', () => {
    // u = 7e171 · [1, -1, 1, -1] is r scaled: correlation 1, though u·u overflows; r = 1e-170 r underflows.
    expect(value('correlation', r.map((x) => 7e171 * x), r, [1, 4])).toBeCloseTo(1, 14);
    expect(value('correlation', r, r.map((x) => 1e-170 * x), [1, 4])).toBeCloseTo(1, 14);
  });
  test('tiny fields do not underflow to a zero norm', () => {
    // e = 1e-170 · [1, 0, -1, 0] (its square underflows): RMSE = 1e-170 √0.5; r = 1e-170 · 1: nRMSE = √0.5.
    expect(value('nRMSE', [2e-170, 1e-170, 0, 1e-170], [1e-170, 1e-170, 1e-170, 1e-170], [1, 4])).toBeCloseTo(Math.SQRT1_2, 14);
  });
  test('a mean square that is itself beyond float64 is infinite', () => {
    expect(value('MSE', u, r, [1, 4])).toBe(Infinity);
  });
});

describe('Fourier metrics', () => {
  // x = cos(2π j/4) = [1, 0, -1, 0]: rfft X = [0, 2, 0] at k = 0, 1, 2; weights c = [1, 2, 1] (k = 2 is Nyquist).
  const x = Float64Array.of(1, 0, -1, 0);
  test('p = 2, q = 1 is the mean square (Parseval)', () => {
    // (1/16) · 2 · 2² = 0.5 = mean x² = (1 + 0 + 1 + 0)/4
    expect(fourierAggregate(x, [4], 2, 1)).toBeCloseTo(0.5, 14);
  });
  test('p = 1: the magnitudes', () => {
    expect(fourierAggregate(x, [4], 1, 1)).toBeCloseTo((2 * 2) / 16, 14);
  });
  test('first derivative: |2πk|² weighs each bin', () => {
    // (1/16) · 2 · (2π)² · 4 = 2π², the mean of (d/dy cos 2πy)² = 4π²/2
    expect(fourierAggregate(x, [4], 2, 1, undefined, 1)).toBeCloseTo(2 * Math.PI ** 2, 12);
  });
  test('coefficients under 1e-5 count as zero', () => {
    // X = [0, 2e-7, 0]: all below the threshold, though mean x² = 5e-15 is not 0.
    expect(fourierAggregate(x.map((v) => v * 1e-7), [4], 2, 1)).toBe(0);
  });
  test('bands: both ends inclusive, the low end excluded below low', () => {
    // e = 1 + cos(2π j/4) = [2, 1, 0, 1]: E = [4, 2, 0]; bin 0 adds 16/16 = 1, bin 1 adds 2·4/16 = 0.5.
    const e = Float64Array.of(2, 1, 0, 1);
    expect(fourierAggregate(e, [4], 2, 1)).toBeCloseTo(1.5, 14);
    expect(fourierAggregate(e, [4], 2, 1, { low: 0, high: 1 })).toBeCloseTo(1.5, 14);
    expect(fourierAggregate(e, [4], 2, 1, { low: 1, high: 1 })).toBeCloseTo(0.5, 14);
    expect(fourierAggregate(e, [4], 2, 1, { low: 0, high: 0 })).toBeCloseTo(1, 14);
    expect(fourierAggregate(e, [4], 2, 1, { low: 2, high: 2 })).toBe(0);
  });
  test('2-D: the Nyquist plane weighs 1, derivatives give one component per axis', () => {
    // x = δ at (0, 0) on 2 × 2: every one of the 2 × 2 bins is 1; k0 ∈ {0, -1}, k1 ∈ {0, 1}, c = 1 on both last-axis planes.
    const d = Float64Array.of(1, 0, 0, 0);
    expect(fourierAggregate(d, [2, 2], 2, 1)).toBeCloseTo(4 / 16, 14); // = mean x² = 1/4
    // axis 0: two bins with |k0| = 1 -> 2 (2π)² / 16; the same for axis 1: π²/2 + π²/2
    expect(fourierAggregate(d, [2, 2], 2, 1, undefined, 1)).toBeCloseTo(Math.PI ** 2, 12);
    // order 0: D = 2 identical copies
    expect(fourierAggregate(d, [2, 2], 2, 1, undefined, 0)).toBeCloseTo(2 * (4 / 16), 14);
    // band 1..1 drops only k = (0, 0)
    expect(fourierAggregate(d, [2, 2], 2, 1, { low: 1, high: 1 })).toBeCloseTo(3 / 16, 14);
  });
  test('fourier_nMSE and H1_nMSE of a constant error', () => {
    // r = [2, 1, 0, 1]: F(r) = 1.5 (above); e = c = 0.5 everywhere: E = [2, 0, 0], F(e) = 4/16 = c².
    // Its derivative term is 0: the H1 form adds nothing to the plain one.
    const r = [2, 1, 0, 1];
    const u = r.map((v) => v + 0.5);
    expect(value('fourier_nMSE', u, r, [1, 4])).toBeCloseTo(0.25 / 1.5, 14);
    expect(value('fourier_MSE', u, r, [1, 4])).toBeCloseTo(0.25, 14);
    expect(value('fourier_nRMSE', u, r, [1, 4])).toBeCloseTo(Math.sqrt(0.25) / Math.sqrt(1.5), 14);
    expect(value('H1_nMSE', u, r, [1, 4])).toBeCloseTo(0.25 / 1.5, 14);
    // and the spatial nMSE agrees: mean e² / mean r² = 0.25 / ((4 + 1 + 0 + 1)/4)
    expect(value('nMSE', u, r, [1, 4])).toBeCloseTo(0.25 / 1.5, 14);
  });
  test('H1 of an error with a slope: each term normalised on its own', () => {
    // r = [2, 1, 0, 1] (F = 1.5, F' = 2·(2π)²·2²/16 = 2π²), e = cos = [1, 0, -1, 0] (F = 0.5, F' = 2π²).
    const r = [2, 1, 0, 1];
    const u = [3, 1, -1, 1];
    expect(value('H1_nMSE', u, r, [1, 4])).toBeCloseTo(0.5 / 1.5 + (2 * Math.PI ** 2) / (2 * Math.PI ** 2), 12);
    expect(value('H1_MSE', u, r, [1, 4])).toBeCloseTo(0.5 + 2 * Math.PI ** 2, 12);
  });
  test("a band in the name: 'fourier_nMSE;1;1' keeps mode 1 only", () => {
    // r = [2, 1, 0, 1]: mode 0 holds 1 of its 1.5, mode 1 the other 0.5.
    const r = [2, 1, 0, 1];
    // An error of cos(2π j/4) lies in mode 1 (0.5): 0.5 / 0.5 within the band, 0.5 / 1.5 without one.
    expect(value('fourier_nMSE;1;1', [3, 1, -1, 1], r, [1, 4])).toBeCloseTo(1, 14);
    expect(value('fourier_nMSE', [3, 1, -1, 1], r, [1, 4])).toBeCloseTo(0.5 / 1.5, 14);
    // A constant error lies in mode 0, outside the band.
    expect(value('fourier_nMSE;1;1', [2.5, 1.5, 0.5, 1.5], r, [1, 4])).toBe(0);
  });
});

describe("the checks APEBench's definitions imply", () => {
  // A field without coefficients under the threshold: a few modes with O(1) amplitudes.
  const field = (n: number, phase: number) => Array.from({ length: n }, (_, j) => 1 + Math.sin((2 * Math.PI * j) / n + phase) + 0.5 * Math.cos((6 * Math.PI * j) / n));
  const [u, r] = [field(16, 0.3), field(16, 0)];
  test('Fourier and spatial nRMSE agree; a band from 0 to N/2 + 1 with order 0 is no band in 1-D', () => {
    const plain = value('fourier_nRMSE', u, r, [1, 16]);
    expect(plain).toBeCloseTo(value('nRMSE', u, r, [1, 16]), 12);
    expect(value('fourier_nRMSE;0;9;0', u, r, [1, 16])).toBeCloseTo(plain, 14);
  });
  test('in 2-D the order-0 copies double the unnormalised value, not the normalised one', () => {
    const [u2, r2] = [[...u, ...r], [...r, ...u]];
    expect(value('fourier_MSE;0;9;0', u2, r2, [1, 2, 16])).toBeCloseTo(2 * value('fourier_MSE', u2, r2, [1, 2, 16]), 12);
    expect(value('fourier_nMSE;0;9;0', u2, r2, [1, 2, 16])).toBeCloseTo(value('fourier_nMSE', u2, r2, [1, 2, 16]), 12);
  });
});

describe('names', () => {
  test("APEBench's names, any case, mean_ or not", () => {
    expect(parseMetric('nrmse')).toEqual({ kind: 'spatial', name: 'nRMSE', power: 'RMSE', form: 'normalised' });
    expect(parseMetric('mean_sMAE')).toMatchObject({ name: 'sMAE', form: 'symmetric', power: 'MAE' });
    expect(parseMetric('fourier_nRMSE;0;5;0')).toEqual({ kind: 'fourier', name: 'fourier_nRMSE;0;5;0', power: 'RMSE', normalised: true, band: { low: 0, high: 5 }, order: 0 });
    expect(parseMetric('h1_mse')).toEqual({ kind: 'h1', name: 'H1_MSE', power: 'MSE', normalised: false });
    expect(parseMetric('Correlation').kind).toBe('correlation');
  });
  test('unknown names and misplaced arguments are refused with the list', () => {
    expect(() => parseMetric('nrmsee')).toThrow(/unknown metric 'nrmsee'/);
    expect(() => parseMetric('nRMSE;0;5')).toThrow(/only the fourier_\* metrics take arguments/);
    expect(() => parseMetric('fourier_nRMSE;0')).toThrow(/;low;high/);
    expect(() => checkMetric(parseMetric('H1_nRMSE'), [3])).toThrow(/needs spatial axes/);
  });
});

describe('aggregation', () => {
  test('spread over trajectories: mean, population std, min, max', () => {
    // [1, 2, 3, 6]: mean 3; squared deviations 4, 1, 0, 9 -> variance 14/4
    expect(spread([1, 2, 3, 6])).toEqual({ mean: 3, std: Math.sqrt(3.5), min: 1, max: 6 });
  });
  test('mean and geometric mean over the first K steps', () => {
    // steps 1..3 of [1, 4, 16, 1000]: (1 + 4 + 16)/3 = 7; (1 · 4 · 16)^(1/3) = 4
    expect(meanUpTo([1, 4, 16, 1000], 3)).toBe(7);
    expect(gmeanUpTo([1, 4, 16, 1000], 3)).toBeCloseTo(4, 14);
    // K past the curve: all of it
    expect(gmeanUpTo([2, 8], 100)).toBeCloseTo(4, 14);
  });
});
