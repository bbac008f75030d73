// What every WGSL FFT kernel shares: a line's radices, and the radix-r
// butterfly of a Stockham stage as WGSL expressions over vec2<f32> (re, im).
//
// Stage s of radix r, after stages whose radices multiply to L, takes the
// r values i + q·n/r (q < r) of butterfly i < n/r, multiplies value q by the
// twiddle w^(q·k), w = e^(∓2πi/(L·r)), k = i mod L, transforms them (an
// r-point DFT) and writes output p to (i − k)·r + k + p·L: the mixed-radix
// Stockham autosort, whose output is in natural order after the last stage.
import { f32 } from './text.js';

/** The radices a kernel takes, largest first: every length 2^a·3^b·5^c. */
const RADICES = [5, 3, 2] as const;

/** The radices of a line of n points (each stage's), or undefined where n has another prime factor. */
export function radices(n: number): number[] | undefined {
  const out: number[] = [];
  let m = n;
  for (const r of RADICES)
    while (m % r === 0) {
      out.push(r);
      m /= r;
    }
  return m === 1 ? out : undefined;
}

/** Cos and sin of `angle`, exactly 0 or ±1 where they are within rounding of it. */
function unit(angle: number): [number, number] {
  const snap = (x: number) => (Math.abs(x) < 1e-15 ? 0 : Math.abs(Math.abs(x) - 1) < 1e-15 ? Math.sign(x) : x);
  return [snap(Math.cos(angle)), snap(Math.sin(angle))];
}

/** `z` times the constant e^(i·angle), without multiplying by 0 or ±1 (NaN and infinities as a multiply would make them aside). */
export function rotate(z: string, angle: number): string {
  const [c, s] = unit(angle);
  if (s === 0) return c === 1 ? z : `-${z}`;
  if (c === 0) return s === 1 ? `vec2<f32>(-${z}.y, ${z}.x)` : `vec2<f32>(${z}.y, -${z}.x)`;
  return `vec2<f32>(${f32(c)} * ${z}.x - ${f32(s)} * ${z}.y, ${f32(c)} * ${z}.y + ${f32(s)} * ${z}.x)`;
}

/** `z` times the twiddle `w`, a vec2<f32> expression. */
export function times(z: string, w: string): string {
  return `vec2<f32>(${w}.x * ${z}.x - ${w}.y * ${z}.y, ${w}.x * ${z}.y + ${w}.y * ${z}.x)`;
}

/** Output p of the r-point DFT of the values `ys` (names), sign −1 forward and +1 inverse. */
export function dftTerm(ys: readonly string[], p: number, sign: number): string {
  const r = ys.length;
  return ys.map((y, q) => rotate(y, (sign * 2 * Math.PI * ((p * q) % r)) / r)).join(' + ');
}
