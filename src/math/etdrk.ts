// The coefficients of exponential time differencing (Cox–Matthews ETD1–4RK)
// for one Fourier mode, in float64. With z = L dt for the mode's linear
// symbol L, the schemes need E = e^z and the phi-like functions below, whose
// closed forms cancel catastrophically near z = 0 (g2(1e-5) loses ten digits).
// Kassam and Trefethen's remedy: evaluate g at M points on a circle of radius
// r around z and take the mean, which for a function analytic in the disc is
// g(z) up to terms of order r^M / M! of its Taylor series, and no point is
// near 0 when r is not small.
//
// When z is real the mean is real but for rounding, and its real part is
// taken. When z is complex (odd-order symbols: advection, dispersion) the mean
// is kept complex: keeping only its real part, as Exponax does, makes ETDRK2-4
// first-order on such symbols.

export interface Complex {
  readonly re: number;
  readonly im: number;
}

/** The functions the ETDRK schemes weigh the nonlinear term with, as functions of w = L dt. */
export type Phi = 'g1' | 'g1h' | 'g2' | 'ga' | 'gb' | 'gc';

/** Circle of the contour mean: M points at radius r, the first at angle pi / M (none on the real axis). */
export interface Contour {
  readonly points: number;
  readonly radius: number;
}

export const DEFAULT_CONTOUR: Contour = { points: 16, radius: 1 };

export const complex = (re: number, im = 0): Complex => ({ re, im });
/** a times a real number. */
export const times = (a: Complex, c: number): Complex => ({ re: a.re * c, im: a.im * c });

const add = (a: Complex, b: Complex): Complex => ({ re: a.re + b.re, im: a.im + b.im });
const mul = (a: Complex, b: Complex): Complex => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re });
const div = (a: Complex, b: Complex): Complex => {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
};
const real = (x: number): Complex => ({ re: x, im: 0 });
/** A polynomial sum_k c[k] w^k, Horner's way. */
const poly = (w: Complex, c: readonly number[]): Complex => c.reduceRight<Complex>((acc, ck) => add(mul(acc, w), real(ck)), real(0));

export function cexp(z: Complex): Complex {
  const m = Math.exp(z.re);
  return { re: m * Math.cos(z.im), im: m * Math.sin(z.im) };
}

/**
 * The closed forms (scenarios §2), each (p(w) + e^w q(w)) / w^k:
 *   g1  = (e^w - 1) / w                       g1h = (e^{w/2} - 1) / w
 *   g2  = (e^w - 1 - w) / w^2
 *   ga  = (-4 - w + e^w (4 - 3w + w^2)) / w^3
 *   gb  = (2 + w + e^w (w - 2)) / w^3
 *   gc  = (-4 - 3w - w^2 + e^w (4 - w)) / w^3
 */
export function phi(g: Phi, w: Complex): Complex {
  const e = cexp(w);
  const form = (p: readonly number[], q: readonly number[], k: number) => {
    let den = real(1);
    for (let i = 0; i < k; i++) den = mul(den, w);
    return div(add(poly(w, p), mul(e, poly(w, q))), den);
  };
  switch (g) {
    case 'g1':
      return form([-1], [1], 1);
    case 'g1h':
      return div(add(cexp({ re: w.re / 2, im: w.im / 2 }), real(-1)), w);
    case 'g2':
      return form([-1, -1], [1], 2);
    case 'ga':
      return form([-4, -1], [4, -3, 1], 3);
    case 'gb':
      return form([2, 1], [-2, 1], 3);
    case 'gc':
      return form([-4, -3, -1], [4, -1], 3);
    default:
      return g satisfies never;
  }
}

/** The contour mean of g around z: (1/M) sum_j g(z + r e^{2 pi i (j - 1/2) / M}); real when z is. */
export function contourMean(g: Phi, z: Complex, contour: Contour = DEFAULT_CONTOUR): Complex {
  const { points: m, radius: r } = contour;
  let sum = real(0);
  for (let j = 1; j <= m; j++) {
    const angle = (2 * Math.PI * (j - 0.5)) / m;
    sum = add(sum, phi(g, { re: z.re + r * Math.cos(angle), im: z.im + r * Math.sin(angle) }));
  }
  return { re: sum.re / m, im: z.im === 0 ? 0 : sum.im / m };
}
