// W7's and W8's spectral parts in jax-js, through `jax.numpy.fft` (whose
// rfft/irfft are differentiable on webgpu and wasm): PDEquinox's ClassicFNO
// in 1-D, as txc builds it (src/passes/inline/networks/fno.ts), and the ETDRK2
// Burgers step of peers/burgers.ts. Every function consumes its array
// arguments (jax-js's ownership); `param` returns a new reference.
import type { Array as JArray } from '@jax-js/jax';
import * as jax from '@jax-js/jax';
import type * as A from '../../src/dsl/ast.js';
import type { BurgersTables } from './burgers.js';

const { numpy: np, lax } = jax;

type Complex = { real: JArray; imag: JArray };

/** The FNO on x [B, C, N]: pointwise lifting, blocks a(S(h) + bypass(h)), pointwise projection. */
export function fno(net: A.Fno, param: (name: string) => JArray, act: (h: JArray) => JArray, x: JArray): JArray {
  if (x.ndim !== 3) throw new Error(`the jax-js peer implements the FNO in 1-D, not on ${x.ndim - 2} axes`);
  const pointwise = (path: string, h: JArray) => lax.convGeneralDilated(h, param(`${path}.weight`), [1], 'VALID').add(param(`${path}.bias`).reshape([-1, 1]));
  let h = pointwise('lifting', x);
  for (let b = 0; b < net.blocks; b++) {
    const p = `blocks.${b}`;
    const s = spectralConv(h.ref, param(`${p}.spectral_conv.weights_real`), param(`${p}.spectral_conv.weights_imag`), net.modes);
    h = act(s.add(pointwise(`${p}.by_pass_conv`, h)));
  }
  return pointwise('projection', h);
}

/**
 * irfft(mix(rfft(h))): at the bins k < M, out[b, o] = Σ_i w[o, i] h[b, i]
 * (complex, w = wr + i·wi of shape [1, O, I, M]); zeros at the other bins.
 */
function spectralConv(h: JArray, wr: JArray, wi: JArray, M: number): JArray {
  const [B, I, n] = h.shape as [number, number, number];
  const X = np.fft.rfft(h, -1);
  const bins = X.real.shape.at(-1)!;
  const kept = (a: JArray) => a.slice([], [], [0, M]).reshape([B, 1, I, M]);
  const [xr, xi] = [kept(X.real), kept(X.imag)];
  const real = xr.ref.mul(wr.ref).sub(xi.ref.mul(wi.ref)).sum(2);
  const imag = xr.mul(wi).add(xi.mul(wr)).sum(2);
  const fill = (a: JArray) => np.pad(a, { 2: [0, bins - M] });
  const y = np.fft.irfft({ real: fill(real), imag: fill(imag) }, -1);
  if (y.shape.at(-1) !== n) throw new Error(`internal: irfft gave ${y.shape.at(-1)} points, not ${n}`);
  return y;
}

/** The tables of peers/burgers.ts as device arrays (float32), one tree argument of the jitted step. */
export function burgersConsts(t: BurgersTables, device: 'webgpu' | 'wasm'): Record<string, JArray> {
  const put = (a: Float64Array) => np.array(Float32Array.from(a), { shape: t.shape, device });
  return { mask: put(t.mask), deriv: put(t.deriv), E: put(t.E), c1: put(t.c1), c2: put(t.c2) };
}

/** `substeps` ETDRK2 steps of u [B, 1, N…] in Fourier space between one rfftn and one irfftn. */
export function burgersStep(u: JArray, k: Record<string, JArray>, substeps: number): JArray {
  const axes = u.shape.map((_, d) => d).slice(2);
  const c = (name: string) => k[name]!.ref;
  const scale = (x: Complex, f: string): Complex => ({ real: x.real.mul(c(f)), imag: x.imag.mul(c(f)) });
  const add = (x: Complex, y: Complex): Complex => ({ real: x.real.add(y.real), imag: x.imag.add(y.imag) });
  const ref = (x: Complex): Complex => ({ real: x.real.ref, imag: x.imag.ref });
  /** N(X) = i D rfft(irfft(mask X)²): (i D)(Sr + i Si) = -D Si + i D Sr. */
  const nonlinear = (X: Complex): Complex => {
    const v = np.fft.irfftn(scale(X, 'mask'), axes);
    const S = np.fft.rfftn(np.square(v), axes);
    return { real: S.imag.mul(c('deriv')).neg(), imag: S.real.mul(c('deriv')) };
  };
  let X: Complex = np.fft.rfftn(u, axes);
  for (let s = 0; s < substeps; s++) {
    const N0 = nonlinear(ref(X));
    const a = add(scale(X, 'E'), scale(ref(N0), 'c1'));
    const Na = nonlinear(ref(a));
    const dN = { real: Na.real.sub(N0.real), imag: Na.imag.sub(N0.imag) };
    X = add(a, scale(dN, 'c2'));
  }
  return np.fft.irfftn(X, axes);
}
