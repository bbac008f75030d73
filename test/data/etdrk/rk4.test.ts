// The nonlinear solvers' IR against an independent float64 semi-discrete
// system: û_t = L û + N(û) written here from the PDEs with math/fft.ts
// directly (no IR, no ops), integrated by classic RK4 at a step small enough
// for KS's stiff modes. ETDRK4 at a coarser step must agree with it to the
// schemes' error (scenarios §2: <= 1.3e-10 at dt = T/200), which a wrong
// sign, factor or mask in a nonlinear term would not (measured: KS 4e-14,
// Burgers 1.8e-10 in either form; with N scaled by 0.8 or 0.9, far above).
import { describe, expect, it } from 'vitest';
import { stepGraph, type SolverSpec } from '../../../src/data/etdrk/catalogue.js';
import { fourierState, FOURIER_DEFAULTS } from '../../../src/data/etdrk/initial.js';
import { Rng } from '../../../src/data/rng.js';
import { irfftn, rfftn, type ComplexArray } from '../../../src/math/fft.js';
import { evaluate } from '../../../src/ops/interpreter.js';
import { tensor } from '../../../src/ops/tensor.js';

const N = 64;
const bins = N / 2 + 1;
const kept = (k: number) => k <= (2 / 3) * (N / 2) - 1 + 1e-9;

type Spectrum = { re: Float64Array; im: Float64Array };
const zeros = (): Spectrum => ({ re: new Float64Array(bins), im: new Float64Array(bins) });
const field = (X: ComplexArray) => irfftn(X, [bins], 1, N).data;
const spectrum = (u: Float64Array): Spectrum => {
  const s = rfftn(u, [N], 1);
  return { re: s.re, im: s.im };
};
/** f(k, X_k) on every bin. */
const map = (X: Spectrum, f: (k: number, re: number, im: number) => [number, number]): Spectrum => {
  const out = zeros();
  for (let k = 0; k < bins; k++) [out.re[k], out.im[k]] = f(k, X.re[k]!, X.im[k]!);
  return out;
};

interface System {
  spec: SolverSpec;
  T: number;
  L(kappa: number): number;
  N(X: Spectrum, kappa: (k: number) => number): Spectrum;
}

const systems: System[] = [
  {
    // u_t = -u_xx - u_xxxx - 1/2 (u_x^2 - mean)
    spec: { name: 'ks', points: N, extent: 60 },
    T: 2,
    L: (q) => q * q - q ** 4,
    N: (X, kappa) => {
      const ux = field(map(X, (k, re, im) => (kept(k) ? [-kappa(k) * im, kappa(k) * re] : [0, 0])));
      return map(spectrum(ux.map((v) => v * v)), (k, re, im) => (kept(k) && k > 0 ? [-0.5 * re, -0.5 * im] : [0, 0]));
    },
  },
  {
    // u_t = nu u_xx - u u_x
    spec: { name: 'burgers', points: N, params: { nu: 0.01 } },
    T: 0.1,
    L: (q) => -0.01 * q * q,
    N: (X, kappa) => {
      const u = field(map(X, (k, re, im) => (kept(k) ? [re, im] : [0, 0])));
      const ux = field(map(X, (k, re, im) => (kept(k) ? [-kappa(k) * im, kappa(k) * re] : [0, 0])));
      return map(spectrum(u.map((v, i) => v * ux[i]!)), (k, re, im) => (kept(k) ? [-re, -im] : [0, 0]));
    },
  },
  {
    // u_t = nu u_xx - 1/2 (u^2)_x
    spec: { name: 'burgers', points: N, params: { nu: 0.01, conservative: true } },
    T: 0.1,
    L: (q) => -0.01 * q * q,
    N: (X, kappa) => {
      const u = field(map(X, (k, re, im) => (kept(k) ? [re, im] : [0, 0])));
      return map(spectrum(u.map((v) => v * v)), (k, re, im) => (kept(k) ? [0.5 * kappa(k) * im, -0.5 * kappa(k) * re] : [0, 0]));
    },
  },
];

function rk4(s: System, u0: Float64Array, steps: number): Float64Array {
  const extent = s.spec.extent ?? 1;
  const kappa = (k: number) => (2 * Math.PI * k) / extent;
  const f = (X: Spectrum): Spectrum => {
    const n = s.N(X, kappa);
    return map(X, (k, re, im) => [s.L(kappa(k)) * re + n.re[k]!, s.L(kappa(k)) * im + n.im[k]!]);
  };
  const axpy = (X: Spectrum, a: number, Y: Spectrum) => map(X, (k, re, im) => [re + a * Y.re[k]!, im + a * Y.im[k]!]);
  const h = s.T / steps;
  let X = spectrum(u0);
  for (let t = 0; t < steps; t++) {
    const k1 = f(X);
    const k2 = f(axpy(X, h / 2, k1));
    const k3 = f(axpy(X, h / 2, k2));
    const k4 = f(axpy(X, h, k3));
    X = map(X, (k, re, im) => [
      re + (h / 6) * (k1.re[k]! + 2 * k2.re[k]! + 2 * k3.re[k]! + k4.re[k]!),
      im + (h / 6) * (k1.im[k]! + 2 * k2.im[k]! + 2 * k3.im[k]! + k4.im[k]!),
    ]);
  }
  return field(X);
}

describe('ETDRK4 agrees with RK4 on an independently written semi-discrete system', () => {
  it.each(systems.map((s) => [`${s.spec.name} ${JSON.stringify(s.spec.params ?? {})}`, s] as const))('%s', (_, s) => {
    const u0 = fourierState({ dims: 1, points: N, extent: s.spec.extent ?? 1 }, { ...FOURIER_DEFAULTS, maxOne: true }, new Rng(5));
    const g = stepGraph({ ...s.spec, dt: s.T / 200, order: 4 });
    let u = tensor([1, 1, N], u0);
    for (let t = 0; t < 200; t++) u = evaluate(g, { u }).get(g.outputs[0]!)!;
    const reference = rk4(s, u0, 4000);
    const err = Array.from(u.data).reduce((m, v, i) => Math.max(m, Math.abs(v - reference[i]!)), 0);
    expect(err).toBeLessThan(1e-9);
  });
});
