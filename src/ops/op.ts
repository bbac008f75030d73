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
  /** A constant table of `values` (an op's coefficients), kept by the step: the WGSL expression of its entry at `index` (a u32 expression). */
  table(values: readonly number[]): (index: string) => string;
}

/**
 * An op's code, in one of four forms the fuser understands:
 * - `expr`: element i is an expression of inputs at computed indices, with no
 *   loop, so the fuser may inline it into whatever reads it;
 * - `loop`: element i needs a short sequential loop (a convolution tap sum);
 *   it runs as the root of its own kernel, one thread per element;
 * - `reduce`: element i is a sum over a domain (batch, space, or both); the
 *   kernel gives each element a workgroup that sums in a tree, as WGSL has no
 *   float atomics. `term` may use statements (a per-sample inner loop).
 * - `dispatch`: the op owns whole dispatches, one per pass, each a compute
 *   entry point with its own workgroup size and workgroup memory (an FFT's
 *   threads share a line in workgroup memory). Its inputs and output are
 *   stored, and the fuser fuses nothing into it, nor it into a neighbour.
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
    }
  | {
      readonly kind: 'dispatch';
      /** The shape of a value the passes may use as scratch memory ('B' the batch); none when absent. */
      scratch?(c: ReuseCtx<K>): Shape | undefined;
      passes(c: DispatchCtx<K>): DispatchPass[];
    };

/** What a `dispatch` rule's passes see: shapes, attributes, and where the values lie in the arena. */
/** Where a value lies: the arena bank's WGSL variable and its offset there, a u32 expression. */
export interface ArenaRef {
  readonly buf: string;
  readonly at: string;
}

export interface DispatchCtx<K extends OpName = OpName> extends ReuseCtx<K> {
  /** The device class the passes are shaped for. */
  readonly target: Target;
  /** Input k, the output, the scratch value (where the rule asks for one). */
  input(k: number): ArenaRef;
  readonly output: ArenaRef;
  readonly scratch: ArenaRef | undefined;
}

/** One dispatch of a `dispatch` rule. */
export interface DispatchPass {
  /** What it does, for the plan and pipeline labels. */
  what: string;
  /** Module-scope WGSL: its workgroup memory and `@compute fn main`, whose body starts after its first `{` and newline. */
  entry: string;
  /** Module-scope functions the entry calls. */
  defs?: string;
  workgroup: number;
  /** Workgroups at a batch; the entry folds a second dispatch dimension past MAX_GROUPS into one index. */
  groups(batch: number): number;
}

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

/** Threads a tile needs at batch `batch`. */
export function tileThreads(t: Tile['threads'], batch: number): number {
  return t.fixed * (t.batchBlock ? Math.ceil(batch / t.batchBlock) : 1);
}

/** Shapes and attributes only: enough to say how often a kernel reads each input element. */
export type ReuseCtx<K extends OpName = OpName> = Pick<WgslCtx<K>, 'out' | 'ins' | 'attrs'>;

/** Shapes, attributes and the device's target: what picks a register block. */
export type TileCtx<K extends OpName = OpName> = ReuseCtx<K> & { readonly target: Target };

export function expectArity(inputs: readonly Shape[], n: number, op: string): void {
  if (inputs.length !== n) throw new ShapeError(`${op} takes ${n} input(s), got ${inputs.length}`);
}

