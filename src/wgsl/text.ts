// WGSL's vocabulary, in one place: the literals, loop bounds and index
// arithmetic every kernel is written with (the ops' rules, codegen's kernels,
// the gather and the optimizer), and the math functions their expressions
// call. Expressions stay WGSL text: an op's rule reads like the formula it
// computes, and these helpers keep the parts that must agree (a bound the
// compiler cannot see through, a batch-sized count) the same everywhere.
import type { Dim } from '../ir/graph.js';

/** Loops of at most this many steps keep a constant bound (tripCount). */
export const SHORT_LOOP = 8;

/**
 * The bound of a loop of `n` steps. Past a few steps it is `n` plus the step
 * uniform's `z` (always 0), which the shader compiler cannot see through:
 * Mesa unrolls a short-bodied loop of constant trip count, and LLVM's time
 * grows far faster than the unrolled code. On lavapipe a loss kernel with its
 * 30-point loop unrolled took 13 s to compile, 0.2 s as a loop. A register
 * block's loops keep their constant: their bodies are too large for Mesa to
 * unroll (W2's 16 x 8 block compiled in 0.3 s either way), and hidden, they
 * cost W2 15% at run time, every accumulator write in a loop being masked.
 */
export function tripCount(n: number): string {
  return n <= SHORT_LOOP ? `${n}u` : `(${n}u + u.z)`;
}

/** A size as a WGSL u32 expression: the batch is the uniform `u.B`. */
export function dimExpr(d: Dim): string {
  return d === 'B' ? 'u.B' : `${d}u`;
}

/** The number of elements of a shape, as a WGSL u32 expression. */
export function countExpr(shape: readonly Dim[]): string {
  const fixed = shape.reduce<number>((a, d) => (d === 'B' ? a : a * d), 1);
  if (!shape.includes('B')) return `${fixed}u`;
  return fixed === 1 ? 'u.B' : `(u.B * ${fixed}u)`;
}

/** Coordinate `axis` of flat index i in a row-major shape whose only symbolic axis is the first. */
export function coord(shape: readonly Dim[], axis: number, i: string): string {
  const stride = shape.slice(axis + 1).reduce<number>((a, d) => a * (d as number), 1);
  const q = stride === 1 ? i : `(${i} / ${stride}u)`;
  return axis === 0 ? q : `(${q} % ${shape[axis]}u)`;
}

/** The flat index of `coords` (u32 expressions) in a row-major shape. */
export function flatIndex(shape: readonly Dim[], coords: readonly string[]): string {
  const terms: string[] = [];
  let stride = 1;
  for (let a = shape.length - 1; a >= 0; a--) {
    terms.push(stride === 1 ? coords[a]! : `${coords[a]!} * ${stride}u`);
    if (a > 0) stride *= shape[a] as number;
  }
  return terms.length ? `(${terms.reverse().join(' + ')})` : '0u';
}

/** An f32 literal WGSL accepts for any finite double. */
export function f32(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`internal: ${x} has no f32 literal`);
  const s = String(Math.fround(x) === 0 ? 0 : x);
  return /[.e]/.test(s) ? `f32(${s})` : `${s}.0`;
}

/**
 * `count` values every lane of an S-lane subgroup needs, loaded a share per
 * lane and broadcast: lane l loads value r * S + l as `<name>v<r><suffix>`
 * (`load(r)`, in its own lane), and every lane gets value j as
 * `<name><j><suffix>`.
 */
export function broadcastLoads(S: number, count: number, name: string, load: (r: number) => string, suffix = ''): string[] {
  return [...Array(count / S).keys()].flatMap((r) => [
    `let ${name}v${r}${suffix} = ${load(r)};`,
    ...[...Array(S).keys()].map((l) => `let ${name}${r * S + l}${suffix} = subgroupBroadcast(${name}v${r}${suffix}, ${l}u);`),
  ]);
}

/**
 * `let init<j> = ...` for each of a block's `count` channels: loaded one
 * each, or with S lanes a share per lane and broadcast (`share(r)`: the
 * channel lane l loads in group r).
 */
export function startAt(init: (axis1: string) => string, count: number, S: number | undefined, channel: (j: number) => string, share: (r: number) => string): string[] {
  if (!S) return [...Array(count).keys()].map((j) => `let init${j} = ${init(channel(j))};`);
  return broadcastLoads(S, count, 'init', (r) => init(share(r)));
}

/** A WGSL abstract-float literal (`0.9`, `1.0`): it takes the type of the expression it stands in. */
export function abstractFloat(x: number): string {
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

// tanh through exp(-2|x|) never overflows; WGSL's own may for large |x|.
/** The functions the ops' expressions call, defined once in every module. */
export const MATH_FUNCTIONS = `fn tx_tanh(x: f32) -> f32 { let e = exp(-2.0 * abs(x)); return sign(x) * (1.0 - e) / (1.0 + e); }
fn tx_sigmoid(x: f32) -> f32 { return 0.5 + 0.5 * tx_tanh(0.5 * x); }
fn tx_gelu(x: f32) -> f32 { return 0.5 * x * (1.0 + tx_tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))); }
fn tx_square(x: f32) -> f32 { return x * x; }
`;
