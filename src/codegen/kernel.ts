// What a kernel is: the unit fusion (fuse.ts) produces and every later stage
// (scheduling, sums over steps, memory, WGSL) consumes, with the sizes of
// the workgroups it runs in.
import type { Node, Shape } from '../ir/graph.js';
import type { Target } from '../ir/target.js';
import type { Tile, WgslRule } from '../ops/op.js';

export const MAP_WORKGROUP = 64;
export const REDUCE_WORKGROUP = 256;
export const SMALL_WORKGROUP = 16;

export interface Kernel {
  /** The value it computes: stable for a given graph. */
  name: string;
  root: Node;
  rule: WgslRule;
  /** Inlined producers, in graph order. */
  fused: Node[];
  /** The register block each thread computes, where the root has one for these shapes and target. */
  tile?: Tile;
  /** The target it was shaped for. */
  target: Target;
  /** Its work at the plan's batch, for one set of inputs where it sums several (terms): what GPU shapes judge. */
  work: Work;
  /** Threads per workgroup. */
  workgroup: number;
  /** Whether it may share a merged dispatch (merge.ts): light per thread; for GPU shapes, little work in all. */
  light: boolean;
  /** A loop op computed first, in the same thread, whose value the epilogue and root consume at the same index. */
  prologue?: Node;
  /** Elementwise nodes between the prologue and the root, in order. */
  epilogue: Node[];
  /**
   * The bias_add (an op with a channelAddend) that the prologue's register
   * block starts its sums from (Tile.init): the first node after the
   * prologue, its only reader. Its value is then the block's, and its bias
   * is loaded once per channel.
   */
  biasInit?: Node;
  /**
   * For a sum of the same reduction over several sets of inputs (terms.ts):
   * the reductions, whose code the kernel runs on each one's inputs in turn
   * into one sum. The root is then the chain of adds they replace.
   */
  terms?: Term[];
  /** Stored values such a sum adds at each element: the chain's other contributions. */
  addends?: string[];
  /**
   * A second output: the sum of the cotangent (input 0) over every axis but
   * its channel, which the root's register block computes on the way (a
   * bias gradient beside its weight gradient, fold.ts), and its addends.
   */
  channelSum?: { root: Node; addends?: string[] };
  /** For a `dispatch` op: the shape of a value its passes use as scratch, alive only while it runs (its slot: scratchSlot). */
  scratch?: Shape;
  /** Values read from memory. */
  reads: string[];
  /** Of those, the ones read only at the element the kernel writes: its output may take their memory. */
  inPlace: string[];
  /**
   * For a reduction: sum in a workgroup tree (few outputs with long sums, as
   * a loss) or in one thread per output (many outputs: barriers cost more than
   * they save, as for a dense layer's weight gradient).
   */
  tree: boolean;
  /** For a tree: lanes of the subgroups that sum in registers before the workgroup does (Target.subgroup). */
  treeLanes?: number;
  /** For a tree: terms a thread adds per iteration (GPU shapes: several loads in flight). */
  treeUnroll?: number;
  /** Shapes of the values read, and the rules of the fused nodes, for codegen. */
  readShapes: Map<string, Node['shape']>;
  rules: Map<string, WgslRule>;
}

export interface Work {
  /** Floating-point operations (OpDef.flops). */
  flops: number;
  /** Terms per output, for a reduction; 0 otherwise. */
  terms: number;
  outputs: number;
}

/** A reduction summed with others (Kernel.terms), and the stored value it reads for each input (through a reshape, which keeps the flat index). */
export interface Term {
  node: Node;
  inputs: readonly string[];
}

export interface Fusion {
  /** In the order they run. */
  kernels: Kernel[];
}

/** The ops a kernel computes, its prologue and epilogue included: `dense+bias_add+tanh`; `dense_w*10` for a sum of ten; `+sum` for a channel sum folded in. */
export function kernelOps(k: Kernel): string {
  const ops = k.terms ? `${k.terms[0]!.node.op}*${k.terms.length}` : k.prologue ? [k.prologue, ...k.epilogue, k.root].map((n) => n.op).join('+') : k.root.op;
  return k.channelSum ? `${ops}+sum` : ops;
}

/** The values a kernel writes: its root, and a channel sum folded in. */
export function kernelOutputs(k: Kernel): string[] {
  return k.channelSum ? [k.root.id, k.channelSum.root.id] : [k.root.id];
}

/** The arena slot of a kernel's scratch value (Kernel.scratch): named after the kernel, as no value is. */
export function scratchSlot(k: Kernel): string {
  return `${k.name}:scratch`;
}
