// A spectral step on a periodic grid multiplies every Fourier coefficient by a
// fixed factor, so it is a linear, shift-invariant map: a circular convolution
// with a real length-N kernel. Writing it as a kernel lets the compiler emit the
// exact reference stepper with the same conv op the emulators use, with no FFT.
// On 2-D and 3-D fields the steppers are ETDRK0 step graphs (data/etdrk/).

export interface Complex {
  re: number;
  im: number;
}

/** The factor for wavenumber k, called for k = 0..floor(N/2). */
export type Multiplier = (k: number) => Complex;

/**
 * The real kernel `h` with `out[i] = sum_j h[j] * u[(i + j) mod N]` (a circular
 * cross-correlation, the compiler's conv convention) equal to
 * `irfft(m(k) * rfft(u), N)` for every real `u` — Trainax's spectral steppers.
 *
 * Negative wavenumbers take the conjugate factor (`m(-k) = conj m(k)`), which is
 * what keeps a real state real. The DC mode, and for even N the Nyquist mode
 * k = N/2, are their own mirror images, so they can only be scaled by a real
 * number: like numpy's irfft we keep the real part of `m(0)` and `m(N/2)`. For
 * advection that scales the Nyquist mode by cos(pi cfl) instead of shifting it;
 * a band-limited state (modes < N/2) never has a Nyquist component.
 *
 *   h[j] = (1/N) sum_{k=0}^{N-1} m(k) exp(-2 pi i k j / N)
 *        = (1/N) [ Re m(0) + 2 sum_{0<k<N/2} Re(m(k) e^{-i theta}) + Re m(N/2) (-1)^j ],
 *   theta = 2 pi k j / N, the last term only for even N.
 */
export function spectralKernel(n: number, multiplier: Multiplier): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`spectralKernel needs N >= 1, got ${n}`);
  const half = Math.floor(n / 2);
  const m = Array.from({ length: half + 1 }, (_, k) => multiplier(k));
  const h = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let acc = m[0]!.re;
    for (let k = 1; 2 * k < n; k++) {
      // Reduce k*j modulo N before scaling so the angle is exact for any size.
      const theta = (2 * Math.PI * ((k * j) % n)) / n;
      const mk = m[k]!;
      acc += 2 * (mk.re * Math.cos(theta) + mk.im * Math.sin(theta));
    }
    if (n % 2 === 0) acc += (j % 2 === 0 ? 1 : -1) * m[half]!.re;
    h[j] = acc / n;
  }
  return h;
}

/** `out[i] = sum_j h[j] * u[(i + j) mod N]` on each of the `u.length / N` rows of `u`. */
export function correlateCircular(u: Float64Array, h: Float64Array): Float64Array {
  const n = h.length;
  const out = new Float64Array(u.length);
  for (let row = 0; row < u.length; row += n) {
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += h[j]! * u[row + ((i + j) % n)]!;
      out[row + i] = acc;
    }
  }
  return out;
}

/** exp(i phi). */
export function cis(phi: number): Complex {
  return { re: Math.cos(phi), im: Math.sin(phi) };
}

/** A spectral step's factor for an integer wavevector k (one entry per spatial axis). */
export type Symbol = (k: readonly number[]) => Complex;
