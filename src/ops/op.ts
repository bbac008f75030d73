// The contract every primitive op fulfils, in one place: its shape rule, its
// float64 CPU semantics (the oracle every GPU program answers to) and its VJP,
// which emits the backward as more nodes of the same graph IR. An op's
// definition is typed by its kind K, so each rule reads its own attributes
// (ir/op-attrs.ts) as typed fields.
import type { Target } from '../ir/target.js';
import type { Dim, GraphBuilder, Node, Shape } from '../ir/graph.js';
import type { OpAttrs, OpName } from '../ir/op-attrs.js';

/** A dense row-major float64 array: the CPU interpreter's value. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** A shape rule's complaint; the verifier adds which node it concerns. */
export class ShapeError extends Error {}

export interface OpDef<K extends OpName = OpName> {
  readonly name: K;
  /** A leaf (input, parameter, constant) declares its own shape on its node. */
  readonly leaf?: boolean;
  /**
   * Output shape from input shapes; throws ShapeError when they disagree, or
   * when attributes the types allow make no sense here (axes out of rank).
   */
  shape(inputs: readonly Shape[], attrs: OpAttrs[K]): Shape;
  /**
   * float64 evaluation. Absent for ops that a pass must remove first (call).
   * `shape` is the node's shape with 'B' bound: the only way a constant or a
   * broadcast from f32[] learns the batch size.
   */
  eval?(inputs: readonly Tensor[], attrs: OpAttrs[K], shape: readonly number[]): Tensor;
  /**
   * Reverse mode: emit nodes into `b` that compute the cotangent of each input
   * from `cot`, the id of the output's cotangent; null for a zero cotangent.
   * `node.inputs` are already ids in `b` (the forward values).
   */
  vjp?(b: GraphBuilder, node: Node<K>, cot: string): (string | null)[];
  /** How codegen computes one output element in WGSL. Absent for ops a pass removes. */
  readonly wgsl?: WgslRule<K>;
  /**
   * Floating-point operations per output element, as factors whose product
   * it is ('B' the batch); one when absent, as for elementwise ops. For
   * `tx compile --stats` and the bench's GFLOP/s.
   */
  flops?(c: ReuseCtx<K>): readonly Dim[];
}

/**
 * What a WGSL rule sees of its node inside a kernel. Codegen keeps rules
 * apart from nodes (a kernel's fused nodes' rules, by id) and builds the
 * context from the node the rule came from, so K always matches.
 */
export interface WgslCtx<K extends OpName = OpName> {
  /** The f32 expression of input k at flat row-major index `idx` (a u32 expression). */
  x(k: number, idx: string): string;
  /** Axis sizes of the output and the inputs; 'B' is the batch, bound when the kernel runs. */
  readonly out: readonly Dim[];
  readonly ins: readonly (readonly Dim[])[];
  readonly attrs: OpAttrs[K];
  /** A name for a local variable, unique within the kernel. */
  fresh(tag: string): string;
  /**
   * The bound of a loop of `n` steps, as the target wants it: `tripCount`
   * for CPU shapes; the constant for GPU shapes, whose compilers may unroll
   * it and keep its loads in flight together. On an H200 W2's convolutions
   * ran about 5% faster so; W4's products measured no clear change.
   */
  bound(n: number): string;
}

/**
 * An op's code, in one of three forms the fuser understands:
 * - `expr`: element i is an expression of inputs at computed indices, with no
 *   loop, so the fuser may inline it into whatever reads it;
 * - `loop`: element i needs a short sequential loop (a convolution tap sum);
 *   it runs as the root of its own kernel, one thread per element;
 * - `reduce`: element i is a sum over a domain (batch, space, or both); the
 *   kernel gives each element a workgroup that sums in a tree, as WGSL has no
 *   float atomics. `term` may use statements (a per-sample inner loop).
 * `reuse` says how many times the kernel reads each element of each input (1
 * when absent): the fuser inlines an expression into it only while
 * recomputing it that often stays cheap.
 */
export type WgslRule<K extends OpName = OpName> =
  | {
      readonly kind: 'expr';
      expr(c: WgslCtx<K>, i: string): string;
      /**
       * Where the op adds to input 0 a value of the channel (axis 1) alone,
       * as bias_add does: that value at `channel`. A register block that
       * computes input 0 can start its sums from it (Tile.init).
       */
      channelAddend?(c: WgslCtx<K>, channel: string): string;
    }
  | {
      readonly kind: 'loop';
      body(c: WgslCtx<K>, i: string): { stmts: string[]; value: string };
      reuse?(c: ReuseCtx<K>): number[];
      /**
       * Register blocking: thread t computes `size` outputs at once, so each
       * load feeds several FMAs (lavapipe is bound by loads). Undefined where
       * the shapes do not divide into blocks.
       */
      tile?(c: TileCtx<K>): Tile | undefined;
    }
  | {
      readonly kind: 'reduce';
      reuse?(c: ReuseCtx<K>): number[];
      /** As for loops; used when the reduction sums in one thread per output. */
      tile?(c: TileCtx<K>): Tile | undefined;
      /** The axes an output element sums over (its terms number their product); 'B' is the batch. */
      domain(c: ReuseCtx<K>): readonly Dim[];
      term(c: WgslCtx<K>, i: string, j: string): { stmts: string[]; value: string };
      /** From the sum to the element, e.g. a mean's division; identity by default. */
      finish?(c: WgslCtx<K>, i: string, acc: string): string;
    };

/**
 * A register block: thread t computes `size` outputs. Threads number
 * `fixed`, times ceil(B / batchBlock) when the block spans the batch axis;
 * then the last block's rows past the batch are clamped when read and
 * guarded when written. A block reads its op's attributes when the rule
 * makes it (TileCtx), so its code sees only shapes.
 */
export interface Tile {
  size: number;
  /** Lanes of the subgroups its code broadcasts across (Target.subgroup); its module enables subgroups. */
  subgroup?: number;
  threads: { fixed: number; batchBlock?: number };
  /**
   * `init`, where given, is the value an output's sum starts from, as a
   * function of its coordinate on axis 1 (a channel: a layer's bias, folded
   * in so that it is loaded once per channel rather than once per output).
   * A reduction's body puts the statements that read its inputs and add
   * their terms into the block in `sum`, run after `stmts`: a kernel that
   * sums the same reduction over several sets of inputs (Kernel.terms) runs
   * them once per set.
   */
  body(c: WgslCtx, t: string, init?: (axis1: string) => string, channelSums?: boolean): { stmts: string[]; sum?: string[]; writes: TileWrite[]; channelWrites?: TileWrite[] };
  /** Whether body takes `init`. */
  init?: boolean;
  /**
   * Whether the block can also sum input 0 over every axis but its channel
   * (axis 1), which is the block's output axis 0: a layer's bias gradient
   * beside its weight gradient, from the cotangent values the block loads
   * anyway (fold.ts). Asked with `channelSums`, body returns their writes,
   * indexed by channel, in `channelWrites`.
   */
  channelSums?: boolean;
}

export type TileWrite = [index: string, value: string, guard?: string];

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

/** Threads a tile needs at batch `batch`. */
export function tileThreads(t: Tile['threads'], batch: number): number {
  return t.fixed * (t.batchBlock ? Math.ceil(batch / t.batchBlock) : 1);
}

/** Shapes and attributes only: enough to say how often a kernel reads each input element. */
export type ReuseCtx<K extends OpName = OpName> = Pick<WgslCtx<K>, 'out' | 'ins' | 'attrs'>;

/** Shapes, attributes and the device's target: what picks a register block. */
export type TileCtx<K extends OpName = OpName> = ReuseCtx<K> & { readonly target: Target };

/** Loops of at most this many steps keep a constant bound (tripCount). */
const SHORT_LOOP = 8;

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

/** An f32 literal WGSL accepts for any finite double. */
export function f32(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`internal: ${x} has no f32 literal`);
  const s = String(Math.fround(x) === 0 ? 0 : x);
  return /[.e]/.test(s) ? `f32(${s})` : `${s}.0`;
}

export function expectArity(inputs: readonly Shape[], n: number, op: string): void {
  if (inputs.length !== n) throw new ShapeError(`${op} takes ${n} input(s), got ${inputs.length}`);
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
