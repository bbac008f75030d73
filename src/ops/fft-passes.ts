// rfft and irfft on the GPU: one pass of the Stockham FFT (wgsl/fft.ts) per
// transformed axis, each a dispatch of its own (the `dispatch` rule kind).
// A real line is transformed as a complex one with zero imaginary parts,
// which costs twice the arithmetic of a real-input FFT but needs no second
// kernel. The arena holds f32 values; a complex value is two of them.
//
// rfft: the last axis first, from the real input into the output, keeping
// bins 0..n/2; then each other axis in place on the output.
// irfft: each axis but the last, inverse, from the input into a scratch
// value (the input may have other readers) and then in place there; last
// the Hermitian extension of each line (bin n - j conjugated past n/2, the
// self-mirrored bins' imaginary parts dropped), inverse, its real part
// divided by the number of points into the output.
import type { Dim } from '../ir/graph.js';
import { elements } from '../ir/graph.js';
import { UserError } from '../util/diagnostics.js';
import { FFT_MAX_POINTS, fftEntry, fftGroups, fftWorkgroup, isFftSize, type FftShape } from '../wgsl/fft.js';
import type { FftPass } from '../wgsl/fft-pass.js';
import { countExpr, f32 } from '../wgsl/text.js';
import type { ArenaRef, DispatchPass } from './op.js';

/** A transform along one axis of complex values of shape `complex` (the spectrum without its (re, im) axis), from `from` to `to`. */
export function complexPass(shape: FftShape, complex: readonly Dim[], axis: number, from: ArenaRef, to: ArenaRef, inverse: boolean): DispatchPass {
  const n = complex[axis] as number;
  const stride = (complex.slice(axis + 1) as number[]).reduce((a, d) => a * d, 1);
  const lineShape = complex.filter((_, a) => a !== axis);
  // Lines run along `stride` inside blocks of stride x n values.
  const at = (base: ArenaRef, line: string, j: string) =>
    `${base.at} + 2u * (${stride === 1 ? `${line} * ${n}u` : `(${line} / ${stride}u) * ${stride * n}u + ${line} % ${stride}u`} + ${j} * ${stride}u)`;
  const what = `axis ${axis}${from === to ? ', in place' : ''}`;
  return pass(shape, lineShape, {
    n,
    lines: countExpr(lineShape),
    inverse,
    load: (line, j) => `vec2<f32>(${from.buf}[${at(from, line, j)}], ${from.buf}[${at(from, line, j)} + 1u])`,
    store: (line, j, v) => `let o = ${at(to, line, j)}; let v = ${v}; ${to.buf}[o] = v.x; ${to.buf}[o + 1u] = v.y;`,
    what,
    zero: 'u.z',
  });
}

/** rfft's first pass: real lines of n points along the last axis of `real`, each to its n/2 + 1 bins at `to`. */
export function realToHalf(shape: FftShape, real: readonly Dim[], from: ArenaRef, to: ArenaRef): DispatchPass {
  const n = real.at(-1) as number;
  const bins = n / 2 + 1;
  const lineShape = real.slice(0, -1);
  const what = `last axis, real to ${bins} bins`;
  return pass(shape, lineShape, {
    n,
    lines: countExpr(lineShape),
    inverse: false,
    load: (line, j) => `vec2<f32>(${from.buf}[${from.at} + ${line} * ${n}u + ${j}], 0.0)`,
    store: (line, j, v) => `if (${j} < ${bins}u) { let o = ${to.at} + 2u * (${line} * ${bins}u + ${j}); let v = ${v}; ${to.buf}[o] = v.x; ${to.buf}[o + 1u] = v.y; }`,
    what,
    zero: 'u.z',
  });
}

/** irfft's last pass: half-spectrum lines at `from` to real lines of n points of `real` at `to`, divided by `points`. */
export function halfToReal(shape: FftShape, real: readonly Dim[], points: number, from: ArenaRef, to: ArenaRef): DispatchPass {
  const n = real.at(-1) as number;
  const bins = n / 2 + 1;
  const lineShape = real.slice(0, -1);
  const what = `last axis, ${bins} bins to real`;
  const p = pass(shape, lineShape, {
    n,
    lines: countExpr(lineShape),
    inverse: true,
    load: (line, j) => `irfft_point(${line}, ${j})`,
    store: (line, j, v) => `${to.buf}[${to.at} + ${line} * ${n}u + ${j}] = ${v}.x * ${f32(1 / points)};`,
    what,
    zero: 'u.z',
  });
  return {
    ...p,
    defs: `// Point j of a line's Hermitian extension: bin j, or bin n - j conjugated past n/2; bins 0 and n/2 real.
fn irfft_point(line: u32, j: u32) -> vec2<f32> {
  let k = select(${n}u - j, j, j < ${bins}u);
  let at = ${from.at} + 2u * (line * ${bins}u + k);
  let s = select(select(-1.0, 1.0, j < ${bins}u), 0.0, k == 0u || k == ${n / 2}u);
  return vec2<f32>(${from.buf}[at], s * ${from.buf}[at + 1u]);
}
`,
  };
}

function pass(shape: FftShape, lineShape: readonly Dim[], p: FftPass): DispatchPass {
  return { what: p.what, entry: fftEntry(p, shape), workgroup: fftWorkgroup(p.n, shape), groups: (batch) => fftGroups(p.n, elements(lineShape, batch), shape) };
}

/** Throws where the GPU kernels cannot transform an axis (isFftSize). */
export function checkGpuSizes(op: string, sizes: readonly number[]): void {
  const bad = sizes.filter((n) => !isFftSize(n));
  if (bad.length)
    throw new UserError(
      `${op} on the GPU transforms axes of 2 to ${FFT_MAX_POINTS} points whose only prime factors are 2, 3 and 5; got ${sizes.join(' x ')}`,
      'the float64 interpreter (--device cpu) transforms any size',
    );
}
