// The initial-state laws against their definitions (scenarios §6), each
// expected value computed here from the same random draws: a Gaussian random
// field's and diffused noise's spectra are the noise's times |kappa|^(-gamma/2)
// and e^{-eps |kappa|^2} (kappa of the unit domain), blobs are their formula at
// every point, and the normalisations do what they say, in their order.
import { describe, expect, it } from 'vitest';
import { blobsState } from '../../../src/data/etdrk/ic-blobs.js';
import { diffusedState, grfState } from '../../../src/data/etdrk/ic-noise.js';
import { normalise, type Normalisation } from '../../../src/data/etdrk/ic-normalise.js';
import { defaultIc, icState } from '../../../src/data/etdrk/ic.js';
import { generateData } from '../../../src/data/generate.js';
import { Rng } from '../../../src/data/rng.js';
import { frontend } from '../../../src/frontend.js';
import { rfftn } from '../../../src/math/fft.js';

const N = 16;
const RAW: Normalisation = { zeroMean: false, stdOne: false, maxOne: false };
const g2 = { dims: 2, points: N, extent: 3 };

/** |k|^2 of bin (i, j) of a 2-D N x (N/2 + 1) half spectrum, fftfreq order on the first axis. */
const k2 = (flat: number) => {
  const [i, j] = [Math.floor(flat / (N / 2 + 1)), flat % (N / 2 + 1)];
  const ki = i < N / 2 ? i : i - N;
  return ki * ki + j * j;
};

/** The spectrum of u divided by the spectrum of the noise drawn from `seed`, bin by bin (complex). */
function gain(u: Float64Array, seed: number): { re: number; im: number }[] {
  const rng = new Rng(seed);
  const noise = Float64Array.from({ length: N * N }, () => rng.normal());
  const [U, W] = [rfftn(u, [N, N], 2), rfftn(noise, [N, N], 2)];
  return Array.from(U.re, (_, b) => {
    const d = W.re[b]! ** 2 + W.im[b]! ** 2;
    return { re: (U.re[b]! * W.re[b]! + U.im[b]! * W.im[b]!) / d, im: (U.im[b]! * W.re[b]! - U.re[b]! * W.im[b]!) / d };
  });
}

const mean = (u: Float64Array) => u.reduce((a, x) => a + x, 0) / u.length;
const std = (u: Float64Array) => Math.sqrt(u.reduce((a, x) => a + (x - mean(u)) ** 2, 0) / u.length);
const max = (u: Float64Array) => u.reduce((a, x) => Math.max(a, x), -Infinity);
const min = (u: Float64Array) => u.reduce((a, x) => Math.min(a, x), Infinity);

describe('grf and diffused: filtered white noise', () => {
  it('grf: every mode of the noise times (2 pi |k|)^(-gamma/2) whatever the extent, the mean times 1', () => {
    const u = grfState(g2, { ...RAW, exponent: 3 }, new Rng(4));
    gain(u, 4).forEach((m, b) => {
      expect(m.re).toBeCloseTo(b === 0 ? 1 : (2 * Math.PI * Math.sqrt(k2(b))) ** -1.5, 12);
      expect(m.im).toBeCloseTo(0, 12);
    });
  });

  it('grf with zero_mean (its default): the same modes, no mean', () => {
    const u = grfState(g2, { ...RAW, zeroMean: true, exponent: 2 }, new Rng(4));
    expect(Math.abs(mean(u))).toBeLessThan(1e-15);
    gain(u, 4).forEach((m, b) => {
      if (b > 0) expect(m.re).toBeCloseTo(1 / (2 * Math.PI * Math.sqrt(k2(b))), 12);
    });
  });

  it('diffused: every mode of the noise times e^{-eps (2 pi |k|)^2}', () => {
    const u = diffusedState(g2, { ...RAW, intensity: 0.002 }, new Rng(9));
    gain(u, 9).forEach((m, b) => expect(m.re).toBeCloseTo(Math.exp(-0.002 * 4 * Math.PI ** 2 * k2(b)), 12));
  });
});

describe('blobs', () => {
  it('the mean of exp(-1/2 sum_d (x_d - p_d)^2 / v_d) over the blobs, p then v drawn per blob, in units of the extent', () => {
    const L = 2;
    const u = blobsState({ ...g2, extent: L }, { ...RAW, count: 2, position: [0.4, 0.6], variance: [0.005, 0.01] }, new Rng(6));
    const r = new Rng(6);
    const blobs = [0, 1].map(() => ({ p: [r.uniform(0.8, 1.2), r.uniform(0.8, 1.2)], v: [r.uniform(0.01, 0.02), r.uniform(0.01, 0.02)] }));
    for (const [i, j] of [[0, 0], [7, 8], [8, 8], [5, 11], [15, 3]] as const) {
      const x = [(i * L) / N, (j * L) / N];
      const b = blobs.map(({ p, v }) => Math.exp(-0.5 * ((x[0]! - p[0]!) ** 2 / v[0]! + (x[1]! - p[1]!) ** 2 / v[1]!)));
      expect(u[i * N + j]).toBeCloseTo((b[0]! + b[1]!) / 2, 14);
    }
  });

  it("Gray–Scott's state: (1 - b, b), the channels' blobs drawn one after the other", () => {
    const g = { dims: 1, points: 32, extent: 1 };
    const state = icState(g, defaultIc('gray_scott', 5), 2, new Rng(8), 'gray_scott');
    const r = new Rng(8);
    const [p0, v0, p1, v1] = [r.uniform(0.4, 0.6), r.uniform(0.005, 0.01), r.uniform(0.4, 0.6), r.uniform(0.005, 0.01)];
    for (const j of [0, 12, 16, 20]) {
      expect(state[j]).toBeCloseTo(1 - Math.exp(-0.5 * (j / 32 - p0) ** 2 / v0), 14);
      expect(state[32 + j]).toBeCloseTo(Math.exp(-0.5 * (j / 32 - p1) ** 2 / v1), 14);
    }
  });
});

describe('normalisations, per channel, in the order zero_mean, std_one, max_one, clamp', () => {
  const u = Float64Array.from({ length: 64 }, (_, i) => Math.sin(i) + 0.3 + (i % 5) * 0.1);
  it('zero_mean, std_one, max_one', () => {
    expect(Math.abs(mean(normalise(u, { ...RAW, zeroMean: true })))).toBeLessThan(1e-15);
    const s = normalise(u, { ...RAW, zeroMean: true, stdOne: true });
    expect(std(s)).toBeCloseTo(1, 14);
    const m = normalise(u, { ...RAW, zeroMean: true, maxOne: true });
    expect(Math.max(max(m), -min(m))).toBeCloseTo(1, 14);
    expect(Math.abs(mean(m))).toBeLessThan(1e-15);
    // max_one without zero_mean keeps the sign pattern: u / max |u|.
    expect(normalise(u, { ...RAW, maxOne: true })[3]).toBeCloseTo(u[3]! / Math.max(max(u), -min(u)), 15);
  });

  it('clamp [lo, hi]: min u to lo, max u to hi, affine in between, after the others', () => {
    const c = normalise(u, { ...RAW, zeroMean: true, stdOne: true, clamp: [-2, 3] });
    expect(min(c)).toBeCloseTo(-2, 14);
    expect(max(c)).toBeCloseTo(3, 14);
    expect(c[10]).toBeCloseTo(((u[10]! - min(u)) / (max(u) - min(u))) * 5 - 2, 13);
  });

  it('grf with std_one: zero mean and unit standard deviation; each of two channels on its own draw', () => {
    const ic = { law: 'grf' as const, ...RAW, zeroMean: true, stdOne: true, exponent: 3 };
    const state = icState(g2, ic, 2, new Rng(2), 'ks');
    const r = new Rng(2);
    const first = grfState(g2, ic, r);
    const second = grfState(g2, ic, r);
    expect(Array.from(state)).toEqual([...first, ...second]);
    for (const ch of [first, second]) {
      expect(Math.abs(mean(ch))).toBeLessThan(1e-14);
      expect(std(ch)).toBeCloseTo(1, 14);
    }
  });
});

describe("a data block's law reaches its trajectories", () => {
  it('ic grf { exponent 2  std_one true }: snapshot 0 of each trajectory is its draw, trajectory after trajectory', () => {
    const spec = frontend('data ks { dims 2  points 16  trajectories 2  snapshots 2  seed 5  ic grf { exponent 2  std_one true } }\nemulator conv { channels 1 -> 1 }\nconfig supervised rollout 1', 'x.tx').spec;
    if (spec.data?.kind !== 'generator') throw new Error('a generator');
    const { train } = generateData(spec.data);
    const rng = new Rng(5);
    const ic = { ...RAW, zeroMean: true, stdOne: true, exponent: 2 };
    const g = { dims: 2, points: 16, extent: 60 };
    const [first, second] = [grfState(g, ic, rng), grfState(g, ic, rng)];
    expect(Array.from(train.data.subarray(0, 256))).toEqual(Array.from(first));
    expect(Array.from(train.data.subarray(512, 768))).toEqual(Array.from(second));
  });

  it('data gray_scott: states [2, N, N] from (1 - b, b), the defaults', () => {
    const spec = frontend('data gray_scott { dims 2  points 16  trajectories 1  snapshots 2 }\nemulator conv { channels 2 -> 2 }\nconfig supervised rollout 1', 'x.tx').spec;
    if (spec.data?.kind !== 'generator') throw new Error('a generator');
    const { train } = generateData(spec.data);
    expect(train.shape).toEqual([1, 2, 2, 16, 16]);
    const expected = icState({ dims: 2, points: 16, extent: 1 }, defaultIc('gray_scott', 5), 2, new Rng(0), 'gray_scott');
    expect(Array.from(train.data.subarray(0, 512))).toEqual(Array.from(expected));
  });
});
