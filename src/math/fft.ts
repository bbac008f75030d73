// Float64 discrete Fourier transforms on the host, groundwork for issue 15:
// the oracle the WGSL FFT (wgsl/fft.ts) is tested against now, and later the
// float64 evaluation of the spectral ops and the spectral data generators. Conventions are numpy's: the forward transform is
// unnormalised, the inverse divides by the number of points.
//
// Powers of two run a radix-2 transform. Any other size runs Bluestein's
// chirp-z transform on a power-of-two grid, so every size is O(N log N):
// APEBench's 1-D scenarios use N = 160.

/** Complex values as two arrays of the same length. */
export interface ComplexArray {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** Plans of one length are reused: a 2-D transform runs thousands of lines of one size. */
const plans = new Map<number, (re: Float64Array, im: Float64Array, inverse: boolean) => void>();

/**
 * The DFT of one line, in place: X_k = sum_j x_j e^{-2 pi i jk/n}, or with
 * `inverse` the same sum with e^{+...} (unnormalised both ways).
 */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  if (n <= 1) return;
  let plan = plans.get(n);
  if (!plan) plans.set(n, (plan = isPowerOfTwo(n) ? radix2(n) : bluestein(n)));
  plan(re, im, inverse);
}

/** e^{-i angle(k)} for k < count. */
function twiddles(n: number, count: number, angle: (k: number) => number): ComplexArray {
  const re = new Float64Array(count);
  const im = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    re[k] = Math.cos(angle(k));
    im[k] = -Math.sin(angle(k));
  }
  return { re, im };
}

function radix2(n: number): (re: Float64Array, im: Float64Array, inverse: boolean) => void {
  const bits = Math.log2(n);
  const reversed = Uint32Array.from({ length: n }, (_, i) => {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    return r;
  });
  const w = twiddles(n, n / 2, (k) => (2 * Math.PI * k) / n);
  return (re, im, inverse) => {
    for (let i = 0; i < n; i++) {
      const j = reversed[i]!;
      if (j > i) {
        [re[i], re[j]] = [re[j]!, re[i]!];
        [im[i], im[j]] = [im[j]!, im[i]!];
      }
    }
    const sign = inverse ? -1 : 1;
    for (let size = 2; size <= n; size *= 2) {
      const half = size / 2;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0; k < half; k++) {
          const wr = w.re[k * step]!;
          const wi = sign * w.im[k * step]!;
          const a = start + k;
          const b = a + half;
          const br = re[b]! * wr - im[b]! * wi;
          const bi = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - br;
          im[b] = im[a]! - bi;
          re[a] = re[a]! + br;
          im[a] = im[a]! + bi;
        }
      }
    }
  };
}

/**
 * Bluestein: jk = (j^2 + k^2 - (k - j)^2) / 2 turns the DFT into a
 * convolution with the chirp e^{i pi j^2 / n}, done by power-of-two FFTs of
 * at least 2n - 1 points.
 */
function bluestein(n: number): (re: Float64Array, im: Float64Array, inverse: boolean) => void {
  let m = 1;
  while (m < 2 * n - 1) m *= 2;
  // j^2 mod 2n keeps the angle exact: e^{i pi j^2 / n} has period 2n in j^2.
  const chirp = twiddles(n, n, (j) => (Math.PI * ((j * j) % (2 * n))) / n);
  // The chirp's conjugate, wrapped for a circular convolution, transformed once.
  const filter = { re: new Float64Array(m), im: new Float64Array(m) };
  for (let j = 0; j < n; j++) {
    for (const at of j === 0 ? [0] : [j, m - j]) {
      filter.re[at] = chirp.re[j]!;
      filter.im[at] = -chirp.im[j]!;
    }
  }
  fftInPlace(filter.re, filter.im, false);
  const a = { re: new Float64Array(m), im: new Float64Array(m) };
  return (re, im, inverse) => {
    // The inverse is the forward transform of the conjugate, conjugated.
    const s = inverse ? -1 : 1;
    a.re.fill(0);
    a.im.fill(0);
    for (let j = 0; j < n; j++) {
      const xr = re[j]!;
      const xi = s * im[j]!;
      a.re[j] = xr * chirp.re[j]! - xi * chirp.im[j]!;
      a.im[j] = xr * chirp.im[j]! + xi * chirp.re[j]!;
    }
    fftInPlace(a.re, a.im, false);
    for (let k = 0; k < m; k++) {
      const ar = a.re[k]!;
      const ai = a.im[k]!;
      a.re[k] = ar * filter.re[k]! - ai * filter.im[k]!;
      a.im[k] = ar * filter.im[k]! + ai * filter.re[k]!;
    }
    fftInPlace(a.re, a.im, true);
    for (let k = 0; k < n; k++) {
      const cr = a.re[k]! / m;
      const ci = a.im[k]! / m;
      re[k] = cr * chirp.re[k]! - ci * chirp.im[k]!;
      im[k] = s * (cr * chirp.im[k]! + ci * chirp.re[k]!);
    }
  };
}

/** Applies the (unnormalised) DFT along `axis` of a row-major `shape`, in place. */
export function fftAlong(x: ComplexArray, shape: readonly number[], axis: number, inverse: boolean): void {
  const n = shape[axis]!;
  const stride = shape.slice(axis + 1).reduce((a, d) => a * d, 1);
  const lines = x.re.length / n;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let line = 0; line < lines; line++) {
    const base = Math.floor(line / stride) * stride * n + (line % stride);
    for (let j = 0; j < n; j++) {
      re[j] = x.re[base + j * stride]!;
      im[j] = x.im[base + j * stride]!;
    }
    fftInPlace(re, im, inverse);
    for (let j = 0; j < n; j++) {
      x.re[base + j * stride] = re[j]!;
      x.im[base + j * stride] = im[j]!;
    }
  }
}

/**
 * numpy's `rfftn` over the last `dims` axes of a real row-major array of
 * `shape`: the last axis keeps bins 0..n/2 (integer division), the others
 * keep all bins in fftfreq order. Returns the spectrum and its shape.
 */
export function rfftn(u: Float64Array, shape: readonly number[], dims: number): ComplexArray & { shape: number[] } {
  const n = shape.at(-1)!;
  const half = Math.floor(n / 2) + 1;
  const specShape = [...shape.slice(0, -1), half];
  const lines = u.length / n;
  const out = { re: new Float64Array(lines * half), im: new Float64Array(lines * half) };
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let line = 0; line < lines; line++) {
    re.set(u.subarray(line * n, (line + 1) * n));
    im.fill(0);
    fftInPlace(re, im, false);
    out.re.set(re.subarray(0, half), line * half);
    out.im.set(im.subarray(0, half), line * half);
  }
  for (let a = shape.length - dims; a < shape.length - 1; a++) fftAlong(out, specShape, a, false);
  return { ...out, shape: specShape };
}

/**
 * numpy's `irfftn` over the last `dims` axes, to a last axis of `n` points,
 * for any half spectrum: an inverse complex DFT over the leading spatial
 * axes, then along the last axis the real part of the Hermitian extension,
 * which drops the imaginary parts of bin 0 and (even n) bin n/2. Divided by
 * the number of points.
 */
export function irfftn(x: ComplexArray, specShape: readonly number[], dims: number, n: number): { data: Float64Array; shape: number[] } {
  const half = specShape.at(-1)!;
  if (half !== Math.floor(n / 2) + 1) throw new RangeError(`irfftn: ${half} bins cannot give ${n} points`);
  const y = { re: Float64Array.from(x.re), im: Float64Array.from(x.im) };
  for (let a = specShape.length - dims; a < specShape.length - 1; a++) fftAlong(y, specShape, a, true);
  const shape = [...specShape.slice(0, -1), n];
  const lines = y.re.length / half;
  const data = new Float64Array(lines * n);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const points = shape.slice(shape.length - dims).reduce((a, d) => a * d, 1);
  for (let line = 0; line < lines; line++) {
    for (let k = 0; k < n; k++) {
      const mirrored = k >= half;
      const b = line * half + (mirrored ? n - k : k);
      const selfConjugate = k === 0 || 2 * k === n;
      re[k] = y.re[b]!;
      im[k] = selfConjugate ? 0 : mirrored ? -y.im[b]! : y.im[b]!;
    }
    fftInPlace(re, im, true);
    for (let k = 0; k < n; k++) data[line * n + k] = re[k]! / points;
  }
  return { data, shape };
}
