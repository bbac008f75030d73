// The convolution of networks.md §1 as the one trilinear form its three ops
// share:
//   T(y, w, x) = Σ_{b,o,n} y[b,o,n] Σ_{i,t} w[o,i,t] X̃[b,i, s·n + d·(t − ℓ)],   ℓ = (k−1)//2,
// x [B, I, N…] the field read, X = x or, upsampled, x zero-inserted on a grid
// of u·N points (X[2q] = x[q], odd points 0), w [O, I, k…] the weight, y
// [B, O, u·N/s…] the field written. conv computes y from x and w, conv_t x
// from y and w, conv_w w from y and x. All three take their shapes and their
// float64 indexing from here, so the transposes agree with the forward
// everywhere, the padded borders and the stride's skipped points included.
import type { GraphBuilder, Node, Shape } from '../ir/graph.js';
import { sameShape, shapeText } from '../ir/graph.js';
import type { ConvAttrs, OpAttrs, Padding } from '../ir/op-attrs.js';
import { sizeDim, whole } from './attrs.js';
import { halvable, spatialSizes, unflatten } from './grid.js';
import type { ReuseCtx, Tensor } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { leftPad, padIndex } from './padding.js';
import { size, tensor } from './tensor.js';

export type ConvOp = 'conv' | 'conv_t' | 'conv_w';
type Operand = 'x' | 'y' | 'w';
/** The operand each op computes, and the two it takes, in order. */
const computes = { conv: 'y', conv_t: 'x', conv_w: 'w' } as const;
const takes = { conv: ['x', 'w'], conv_t: ['y', 'w'], conv_w: ['y', 'x'] } as const;
const computedBy = { y: 'conv', x: 'conv_t', w: 'conv_w' } as const;

export interface ConvGeometry {
  readonly padding: Padding;
  /** Dilation, stride and upsampling, defaults applied. */
  readonly d: number;
  readonly s: 1 | 2;
  readonly u: 1 | 2;
  readonly k: number;
  /** ℓ: taps left of the centre. */
  readonly left: number;
  /** Spatial sizes of x, of the grid X the taps read (u·N), and of y (u·N / s). */
  readonly N: readonly number[];
  readonly X: readonly number[];
  readonly M: readonly number[];
  /** Taps (k^D), points of x, points of y. */
  readonly taps: number;
  readonly nx: number;
  readonly ny: number;
}

/** The geometry of a convolution with kernel size k reading a field of spatial sizes N (already checked). */
export function convGeometry(attrs: ConvAttrs, N: readonly number[], k: number): ConvGeometry {
  const [s, u] = [attrs.stride ?? 1, attrs.upsample ?? 1];
  const X = N.map((n) => n * u);
  const M = X.map((n) => n / s);
  return { padding: attrs.padding, d: attrs.dilation ?? 1, s, u, k, left: leftPad(k), N, X, M, taps: k ** N.length, nx: size(N), ny: size(M) };
}

/** The geometry an op's WGSL rule sees: x is conv's input 0, conv_t's output and conv_w's input 1; w is conv_w's output. */
export function ruleGeometry(op: ConvOp, c: ReuseCtx<ConvOp>): ConvGeometry {
  const x = op === 'conv' ? c.ins[0]! : op === 'conv_t' ? c.out : c.ins[1]!;
  const w = op === 'conv_w' ? c.out : c.ins[1]!;
  return convGeometry(c.attrs, x.slice(2) as number[], w[2] as number);
}

/** The case the tuned 1-D code serves (conv-tile.ts and each op's own rules): one axis, no dilation, stride or upsampling. */
export function plain1d(g: ConvGeometry): boolean {
  return g.N.length === 1 && g.d === 1 && g.s === 1 && g.u === 1;
}

/** How far outside the field a tap reaches (right of it: at least as far as left). */
export function reach(g: ConvGeometry): number {
  return g.d * (g.k - 1 - g.left);
}

/** The attributes a transpose passes on: these, with a dilation, stride or upsampling of 1 left out, so equal convolutions print and compare alike. */
function convAttrs({ padding, dilation, stride, upsample }: ConvAttrs): ConvAttrs {
  return {
    padding,
    ...(dilation !== undefined && dilation !== 1 && { dilation }),
    ...(stride !== undefined && stride !== 1 && { stride }),
    ...(upsample !== undefined && upsample !== 1 && { upsample }),
  };
}

/**
 * Any of the three ops' VJP, from the form: the cotangent of an input is the
 * op that computes that operand, from the output's cotangent in the output's
 * place and the other input in its own (conv's x: conv_t(cot, w); conv_t's
 * w: conv_w(y, cot); …), named d.<node>.<operand>.
 */
export function convVjp(b: GraphBuilder, n: Node<ConvOp>, cot: string): string[] {
  const value = new Map<Operand, string>([[computes[n.op], cot], ...takes[n.op].map((v, i): [Operand, string] => [v, n.inputs[i]!])]);
  const attrs = convAttrs(n.attrs);
  return takes[n.op].map((v, i) => {
    const op = computedBy[v];
    const shape = b.shapeOf(n.inputs[i]!);
    const args = takes[op].map((u) => value.get(u)!);
    return op === 'conv_w' ? b.add(`d.${n.id}.${v}`, op, args, shape, { ...attrs, k: shape[2] as number }) : b.add(`d.${n.id}.${v}`, op, args, shape, attrs);
  });
}

/** The shape rule of each op: the operand it computes, from the two it takes. */
export function convShape<K extends ConvOp>(op: K): (inputs: readonly Shape[], attrs: OpAttrs[K]) => Shape {
  return (inputs, attrs) => {
    expectArity(inputs, 2, op);
    const given: Partial<Record<Operand, Shape>> = {};
    takes[op].forEach((v, i) => (given[v] = inputs[i]!));
    return convShapes(op, attrs, given)[computes[op]];
  };
}

/**
 * The three operands' shapes from the two an op takes (and conv_w's k,
 * where w is not given); a ShapeError where they disagree or the
 * attributes make no sense.
 */
function convShapes(op: string, attrs: ConvAttrs & { readonly k?: number }, given: Partial<Record<Operand, Shape>>): Record<Operand, Shape> {
  const d = whole(attrs.dilation ?? 1, 'dilation', op);
  if (d < 1) throw new ShapeError(`${op} needs a dilation of at least 1, got ${d}`);
  const [s, u] = [attrs.stride ?? 1, attrs.upsample ?? 1];
  if (s !== 1 && s !== 2) throw new ShapeError(`${op} needs a stride of 1 or 2, got ${String(s)}`);
  if (u !== 1 && u !== 2) throw new ShapeError(`${op} needs an upsampling of 1 or 2, got ${String(u)}`);
  if (s === 2 && u === 2) throw new ShapeError(`${op} cannot both upsample and stride`);
  const field = (given.x ?? given.y)!;
  const D = spatialSizes(field, given.x ? 'x' : 'y', op).length;
  const k = given.w ? kernelSize(given.w, D, op) : whole(attrs.k!, 'k', op);
  if (k < 1) throw new ShapeError(`${op} needs a kernel size of at least 1, got ${k}`);
  const N = given.x
    ? spatialSizes(given.x, 'x', op)
    : u === 2
      ? halvable(spatialSizes(given.y!, 'y', op), 'y (upsampled)', op)
      : spatialSizes(given.y!, 'y', op).map((m) => m * s);
  const M = s === 2 ? halvable(N, 'x (stride 2)', op) : N.map((n) => n * u);
  const I = given.x?.[1] ?? given.w![1]!;
  const O = given.y?.[1] ?? given.w![0]!;
  const want = { x: [field[0]!, I, ...N], y: [field[0]!, O, ...M], w: [O, I, ...N.map(() => k)] };
  for (const key of ['x', 'y', 'w'] as const) {
    const got = given[key];
    if (got && !sameShape(got, want[key]))
      throw new ShapeError(`${op} relates x [B, I, N…], w [O, I, k…] and y [B, O, u·N/s…]: ${key} is ${shapeText(got)} where the others give ${shapeText(want[key])}`);
  }
  return want;
}

/** k of a weight [O, I, k, …, k] for D spatial axes. */
function kernelSize(w: Shape, D: number, op: string): number {
  const ks = w.slice(2);
  if (w.length !== D + 2 || ks.some((k) => k !== ks[0]))
    throw new ShapeError(`${op} needs a weight [O, I${', k'.repeat(D)}] (one size k on every axis) for ${D} spatial axes, got ${shapeText(w)}`);
  sizeDim(w, 0, op);
  sizeDim(w, 1, op);
  return sizeDim(w, 2, op);
}

/**
 * For output point n (flat over M) and tap t (flat over the k^D taps), at
 * [n * taps + t]: the flat point of x that X̃[s·n + d·(t − ℓ)] reads, or -1
 * where zero padding or the upsampling's zeros read a zero.
 */
export function tapTable(g: ConvGeometry): Int32Array {
  const out = new Int32Array(g.ny * g.taps);
  const kernel = g.N.map(() => g.k);
  for (let n = 0; n < g.ny; n++) {
    const at = unflatten(n, g.M);
    for (let t = 0; t < g.taps; t++) {
      const tap = unflatten(t, kernel);
      let flat = 0;
      for (let j = 0; j < g.N.length && flat >= 0; j++) {
        const q = padIndex(g.padding, g.s * at[j]! + g.d * (tap[j]! - g.left), g.X[j]!);
        flat = q < 0 || q % g.u !== 0 ? -1 : flat * g.N[j]! + q / g.u;
      }
      out[n * g.taps + t] = flat;
    }
  }
  return out;
}

/**
 * The same read backwards: for point m of x and tap t, at [m * taps + t],
 * the output point n whose tap t reads m, or -1. There is at most one, as
 * n -> s·n + offset is one-to-one on M (mod u·N when circular, N even for s = 2).
 */
export function inverseTaps(g: ConvGeometry): Int32Array {
  const taps = tapTable(g);
  const out = new Int32Array(g.nx * g.taps).fill(-1);
  for (let n = 0; n < g.ny; n++)
    for (let t = 0; t < g.taps; t++) {
      const m = taps[n * g.taps + t]!;
      if (m >= 0) out[m * g.taps + t] = n;
    }
  return out;
}

/**
 * conv and conv_t in float64, which share a form:
 *   out[b, q, p] = Σ_r Σ_t w[wAt(q, r) + t] · input[b, r, table[p · taps + t]]
 * over the table's entries >= 0 (conv: tapTable, q an output and r an input
 * channel; conv_t: inverseTaps, the other way round), summed in that order.
 */
export function gatherTaps(input: Tensor, w: Tensor, table: Int32Array, taps: number, shape: readonly number[], wAt: (q: number, r: number) => number): Tensor {
  const [B, R] = input.shape as [number, number];
  const Q = shape[1]!;
  const [inPoints, outPoints] = [size(input.shape.slice(2)), size(shape.slice(2))];
  const out = tensor(shape);
  for (let b = 0; b < B; b++)
    for (let q = 0; q < Q; q++)
      for (let p = 0; p < outPoints; p++) {
        let acc = 0;
        for (let r = 0; r < R; r++) {
          const [at, row] = [wAt(q, r), (b * R + r) * inPoints];
          for (let t = 0; t < taps; t++) {
            const m = table[p * taps + t]!;
            if (m >= 0) acc += w.data[at + t]! * input.data[row + m]!;
          }
        }
        out.data[(b * Q + q) * outPoints + p] = acc;
      }
  return out;
}
