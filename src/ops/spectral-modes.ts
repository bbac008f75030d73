// What the spectral mixes share (networks.md §6): which bins of an rfft's
// half spectrum [B, C, K_0, …, K_{D-1}, 2] a Fourier layer keeps, and where
// each kept bin's weight lies in [G, O, I, M, …, M, 2].
//
// On the last axis (the halved one) the bins k < M; on every other axis both
// signs, k < M (low) and k >= K_j - M (the frequencies -M..-1, high). Each
// pattern of signs over the leading axes is a weight block g = Σ_j β_j 2^j
// (β_j = 1 where axis j is high), so G = 2^(D-1), and a bin's weight index
// on axis j is m_j = k_j - β_j (K_j - M). `2M <= K_j` keeps the blocks apart.
import type { Dim, Shape } from '../ir/graph.js';
import { shapeText } from '../ir/graph.js';
import { sizeDim } from './attrs.js';
import { ShapeError } from './op.js';
import { coord } from '../wgsl/text.js';

/** A spectrum's kept modes: its D bin-axis sizes, M, the G blocks and the M^D weights per block. */
export interface Modes {
  readonly bins: readonly number[];
  readonly M: number;
  readonly G: number;
  readonly perBlock: number;
}

/** The bin axes' sizes of a half spectrum [B, C, K…, 2] over 1 to 3 axes. */
function binsOf(spectrum: Shape, op: string): number[] {
  const D = spectrum.length - 3;
  if (D < 1 || D > 3 || spectrum.at(-1) !== 2) throw new ShapeError(`${op} takes a half spectrum [B, C, K…, 2] over 1 to 3 axes, got ${shapeText(spectrum)}`);
  return spectrum.slice(2, -1).map((_, j) => sizeDim(spectrum, 2 + j, op));
}

/** The kept modes of `spectrum` [B, C, K…, 2] for M modes; a ShapeError where M does not fit. */
export function modesOf(spectrum: Shape, M: number, op: string): Modes {
  const bins = binsOf(spectrum, op);
  const D = bins.length;
  if (!Number.isInteger(M) || M < 1) throw new ShapeError(`${op} keeps a whole number of modes, at least 1, not ${M}`);
  const last = bins.at(-1)!;
  if (M > last) throw new ShapeError(`${op} keeps ${M} modes, but the last axis has ${last} bins`);
  const narrow = bins.slice(0, -1).find((k) => 2 * M > k);
  if (narrow !== undefined) throw new ShapeError(`${op} keeps ${M} modes of each sign, but an axis has ${narrow} bins`);
  return { bins, M, G: 2 ** (D - 1), perBlock: M ** D };
}

/** The weight shape [G, O, I, M…, 2] of O × I channels over `modes`. */
export function weightShape(m: Modes, O: Dim, I: Dim): Dim[] {
  return [m.G, O, I, ...m.bins.map(() => m.M), 2];
}

/** The modes a weight [G, O, I, M…, 2] keeps of `spectrum`, checked against it: its blocks and mode axes. */
export function weightModes(spectrum: Shape, w: Shape, op: string): Modes {
  binsOf(spectrum, op);
  const M = w[3];
  const m = w.length === spectrum.length + 1 && typeof M === 'number' ? modesOf(spectrum, M, op) : undefined;
  const want = m && weightShape(m, w[1]!, w[2]!);
  if (!m || !want || w.some((d, a) => d !== want[a])) {
    const layout = want ? want.map((d, a) => (a === 1 ? 'O' : a === 2 ? 'I' : d)).join(', ') : 'G, O, I, M…, 2';
    throw new ShapeError(`${op} of the spectrum ${shapeText(spectrum)} takes a weight [${layout}], got ${shapeText(w)}`);
  }
  return m;
}

/**
 * Calls fn(p, g, q) for each kept bin: p its flat index among the spectrum's
 * bins, g its block, q its flat index among the block's M^D weights.
 */
export function forEachKept(m: Modes, fn: (p: number, g: number, q: number) => void): void {
  const D = m.bins.length;
  const visit = (j: number, p: number, g: number, q: number): void => {
    if (j === D) return fn(p, g, q);
    const K = m.bins[j]!;
    const signs = j === D - 1 ? [0] : [0, 1];
    for (const beta of signs)
      for (let mj = 0; mj < m.M; mj++) visit(j + 1, p * K + mj + beta * (K - m.M), g + beta * 2 ** j, q * m.M + mj);
  };
  visit(0, 0, 0, 0);
}

/** The share of a spectrum's bins that are kept. */
export function keptShare(m: Modes): number {
  return (m.G * m.perBlock) / m.bins.reduce((a, k) => a * k, 1);
}

/**
 * WGSL for the bin coordinates `k` (u32 expressions, one per bin axis):
 * whether the bin is kept, and if so its block g and weight index q (each
 * meaningful only where it is kept).
 */
export function keptWgsl(m: Modes, k: readonly string[]): { kept: string; g: string; q: string } {
  const D = m.bins.length;
  const high = (j: number) => `${k[j]} >= ${m.bins[j]! - m.M}u`;
  const kept = k.map((kj, j) => (j === D - 1 ? `${kj} < ${m.M}u` : `(${kj} < ${m.M}u || ${high(j)})`)).join(' && ');
  const g = D === 1 ? '0u' : k.slice(0, -1).map((_, j) => `select(0u, ${2 ** j}u, ${high(j)})`).join(' + ');
  const mj = (j: number) => (j === D - 1 ? k[j]! : `select(${k[j]}, ${k[j]} - ${m.bins[j]! - m.M}u, ${high(j)})`);
  const q = k.reduce((acc, _, j) => (j === 0 ? mj(0) : `(${acc}) * ${m.M}u + ${mj(j)}`), '');
  return { kept, g, q };
}

/** WGSL for the flat bin index of weight (g, m…) (u32 expressions): k_j = m_j + β_j (K_j - M), β_j bit j of g, on the leading axes; m_j on the last. */
export function binWgsl(m: Modes, g: string, mj: readonly string[]): string {
  const D = m.bins.length;
  const k = mj.map((v, j) => (j === D - 1 ? v : `(${v} + select(0u, ${m.bins[j]! - m.M}u, (${g} & ${2 ** j}u) != 0u))`));
  return k.reduce((acc, kj, j) => (j === 0 ? kj : `(${acc}) * ${m.bins[j]}u + ${kj}`), '');
}

/** The coordinates of flat index i in a spectrum-shaped value [B, C, K…, 2]: b, c, the bins' flat index p, each bin coordinate, and the component. */
export function spectrumCoords(shape: readonly Dim[], i: string): { b: string; c: string; p: string; k: string[]; part: string } {
  const D = shape.length - 3;
  const P = (shape.slice(2, -1) as number[]).reduce((a, k) => a * k, 1);
  return {
    b: coord(shape, 0, i),
    c: coord(shape, 1, i),
    p: `((${i} / 2u) % ${P}u)`,
    k: [...Array(D).keys()].map((j) => coord(shape, 2 + j, i)),
    part: `(${i} % 2u)`,
  };
}

/** (u v), or (u conj(v)), of two vec2<f32> complex values. */
export function complexProduct(u: string, v: string, conjugate: boolean): string {
  return conjugate ? `vec2<f32>(${u}.x * ${v}.x + ${u}.y * ${v}.y, ${u}.y * ${v}.x - ${u}.x * ${v}.y)` : `vec2<f32>(${u}.x * ${v}.x - ${u}.y * ${v}.y, ${u}.x * ${v}.y + ${u}.y * ${v}.x)`;
}

/** Multiplies and adds per complex product as the kernels run it (both parts, then one kept). */
export const COMPLEX_MAC_FLOPS = 8;
