// Fusion: which values live in memory and which kernels compute them.
//
// The policy, where it is applied:
// - Every `loop` op (convolutions, dense layers) and `reduce` op (sums over
//   batch or space, losses, weight gradients) is the root of its own kernel:
//   one thread per element, or one workgroup per element summing in a tree.
// - Every `expr` op (elementwise arithmetic, activations, shifts, broadcasts,
//   slices, bias adds, constants) is inlined into each kernel that reads it,
//   so a chain of them costs no memory traffic and no dispatch — unless it is
//   an output of the graph, or its inlined expression would grow past
//   MAX_INLINE_COST ops, or a loop or reduction reads each of its elements so
//   often (a convolution reads its input Cout*K times) that recomputing it
//   there would cost more than RECOMPUTE_LIMIT ops per element: then one
//   store and the loads are cheaper.
// - A `dispatch` op (the Fourier transforms) runs its own passes, each its
//   own dispatch: its inputs and output are in memory, and nothing is fused
//   into it. Fusing a diagonal multiply into a transform's first or last
//   pass (issue 15) would spare a spectrum's store and load; not yet.
// - Graph inputs (parameters, data) are always in memory.
// - Kernel shapes follow the target (target.ts). For CPU shapes, loops and
//   reductions take the register block their op offers; a reduction with
//   fewer than TREE_BELOW_OUTPUTS outputs over at least TREE_ABOVE_WORK
//   input elements gives each output a workgroup that sums in a tree;
//   otherwise one thread per output sums without barriers: many
//   outputs fill the machine alone, and a short sum (a loss over 32 x 30
//   values) costs less than a workgroup's barriers (on lavapipe a tree of 256
//   threads costs ~50 us, one thread summing 960 values ~2 us). A sum to a
//   single value (a loss, a one-channel bias gradient) is a tree from
//   TREE_ABOVE_WORK_SINGLE terms: one thread summing 8192 terms took 0.6 ms
//   on an H100 (a tree, a few us) and about a tree's time on lavapipe.
//   For GPU shapes, a loop computes one output per thread, and every
//   reduction of at least GPU_TREE_TERMS terms per output and GPU_TREE_WORK
//   in all is a tree; smaller ones stay light enough to share a merged
//   dispatch, where a GPU's cost per dispatch dominates (the quickstart).
// - Epilogues: when a convolution or dense layer is read only by an
//   elementwise chain (bias add, activation, the activation's VJP terms), the
//   chain runs in the layer's kernel on the value still in a register, only
//   the chain's end is stored (see `epilogues`), and a leading bias add is
//   where the layer's sums start (Kernel.biasInit).
// - Once the kernels are in order, a parameter's per-step gradients that
//   run in one stretch of backward kernels become one kernel (terms.ts),
//   and a bias gradient joins its weight gradient's kernel (fold.ts).
import type { Dim, Graph, Node } from '../ir/graph.js';
import { elements, sameShape, users } from '../ir/graph.js';
import type { Tile, WgslRule } from '../ops/op.js';
import { tileThreads } from '../ops/op.js';
import { tripCount } from '../wgsl/text.js';
import { opDef } from '../ops/registry.js';
import { backwardValues, lossValues, schedule } from './schedule.js';
import type { Target } from '../ir/target.js';
import { foldChannelSums } from './fold.js';
import { mergeTerms } from './terms.js';
import type { Fusion, Kernel, Work } from './kernel.js';
import { MAP_WORKGROUP, REDUCE_WORKGROUP, SMALL_WORKGROUP } from './kernel.js';
import { MAX_GROUPS } from '../ir/target.js';

const MAX_INLINE_COST = 24;
const RECOMPUTE_LIMIT = 64;
const TREE_BELOW_OUTPUTS = 64;
const TREE_ABOVE_WORK = 16384;
const TREE_ABOVE_WORK_SINGLE = 4096;
/**
 * A GPU hides a load's latency by switching among resident threads: one
 * thread summing a weight gradient's 40960 terms took 2.5 to 3.9 ms on an
 * H200 (W2), a workgroup per weight a few us.
 */
const GPU_TREE_TERMS = 32;
const GPU_TREE_WORK = 8192;
const GPU_TREE_UNROLL = 4;
/**
 * Most floating-point operations of a kernel that shares a merged dispatch
 * with GPU shapes: a merged dispatch is one workgroup, and W4's 64 -> 3
 * layer (98 KFLOP at batch 256) took 0.26 ms in one on an H200, against a
 * few us in a dispatch of its own.
 */
const GPU_MERGE_FLOPS = 16384;
/**
 * Kernels of few threads that each do much (register blocks, a sum per
 * thread) run in small workgroups: lavapipe runs a workgroup on one core, so
 * a 64-thread kernel in one workgroup would leave the other cores idle.
 */
const SMALL_KERNEL_THREADS = 2048;

/**
 * Batch size assumed when judging how much work a reduction is for CPU
 * shapes, whose thresholds were tuned at it; GPU shapes judge at the batch
 * the plan is for, as a sum over a batch of 256 (the Lorenz MLP) is eight
 * times the threads' work that one over 32 is.
 */
const TYPICAL_BATCH = 32;

/**
 * GPU shapes for a kernel that does `sets` times the work `w` (a sum over
 * several steps' inputs, terms.ts, does one set per step): a tree for a long
 * enough reduction, whose workgroups number its outputs in one dimension of
 * the dispatch (the plan's batch is the largest it runs at); otherwise one
 * output per thread, sharing a merged dispatch only when it is little work.
 */
function gpuShape(w: Work, sets: number, reduce: boolean): Pick<Kernel, 'tree' | 'treeUnroll' | 'workgroup' | 'light'> {
  const terms = w.terms * sets;
  const tree = reduce && terms >= GPU_TREE_TERMS && terms * w.outputs >= GPU_TREE_WORK && w.outputs <= MAX_GROUPS;
  return { tree, ...(tree && { treeUnroll: GPU_TREE_UNROLL }), workgroup: tree ? REDUCE_WORKGROUP : MAP_WORKGROUP, light: !tree && w.flops * sets <= GPU_MERGE_FLOPS };
}

/** Elements of a shape at a batch, TYPICAL_BATCH for CPU shapes' thresholds. */
function size(shape: readonly Dim[], batch = TYPICAL_BATCH): number {
  return elements(shape, batch);
}

/** Threads of a kernel whose threads each compute a block or a whole sum; Infinity for others. */
function heavyThreads(rule: WgslRule, tile: Tile | undefined, n: Node): number {
  if (tile) return tileThreads(tile.threads, TYPICAL_BATCH);
  return rule.kind === 'reduce' ? size(n.shape) : Infinity;
}

/** `stepSums: false` keeps each time step's gradient contributions apart (terms.ts), for less memory. */
export interface FuseOptions {
  stepSums?: boolean;
}

/** `batch`: the batch the plan is for (GPU shapes depend on it). */
export function fuse(g: Graph, target: Target, batch: number, options: FuseOptions = {}): Fusion {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const outputs = new Set(g.outputs);
  const cost = new Map<string, number>();
  const stored = new Set<string>();
  for (const n of g.nodes) {
    const rule = opDef(n.op).wgsl;
    if (n.op === 'input') {
      stored.add(n.id);
      continue;
    }
    if (!rule) throw new Error(`internal: %${n.id} = ${n.op} has no WGSL rule`);
    const c = 1 + n.inputs.reduce((a, i) => a + (stored.has(i) ? 0 : cost.get(i)!), 0);
    if (rule.kind !== 'expr' || outputs.has(n.id) || c > MAX_INLINE_COST) {
      stored.add(n.id);
      cost.set(n.id, 0);
    } else cost.set(n.id, c);
  }
  for (const n of g.nodes) {
    const rule = opDef(n.op).wgsl;
    // A pass reads its inputs at arena offsets of its own choosing.
    if (rule?.kind === 'dispatch') n.inputs.forEach((i) => stored.add(i));
    if (rule?.kind === 'expr' || rule?.kind === 'dispatch' || !rule?.reuse) continue;
    const reuse = rule.reuse({ out: n.shape, ins: n.inputs.map((i) => byId.get(i)!.shape), attrs: n.attrs });
    n.inputs.forEach((i, k) => {
      if (!stored.has(i) && cost.get(i)! * reuse[k]! > RECOMPUTE_LIMIT) stored.add(i);
    });
  }
  const readers = users(g);
  const chains = epilogues(g, stored, readers);
  const kernels: Kernel[] = [];
  for (const n of g.nodes) {
    if (!stored.has(n.id) || n.op === 'input') continue;
    const chain = chains.get(n.id);
    // The chain's nodes compute in registers; what they read is fused or loaded.
    const absorbed = new Set(chain ? [chain.prologue.id, ...chain.epilogue.map((x) => x.id)] : []);
    const seen = new Set<string>();
    const fused = new Set<string>();
    const reads = new Set<string>();
    const visit = (id: string) => {
      if (stored.has(id)) reads.add(id);
      else if (absorbed.has(id)) {
        if (seen.has(id)) return;
        seen.add(id);
        byId.get(id)!.inputs.forEach(visit);
      } else if (!fused.has(id)) {
        fused.add(id);
        byId.get(id)!.inputs.forEach(visit);
      }
    };
    n.inputs.forEach(visit);
    const rule = opDef((chain?.prologue ?? n).op).wgsl!;
    const outputs = elements(n.shape, 1);
    const work = size(byId.get(n.inputs[0]!)!.shape);
    const gpu = target.shapes === 'gpu';
    const blocked = chain?.prologue ?? n;
    const shapes = { out: blocked.shape, ins: blocked.inputs.map((i) => byId.get(i)!.shape), attrs: blocked.attrs };
    const perSet: Work = {
      flops: size(opDef(blocked.op).flops?.(shapes) ?? [1], batch) * size(n.shape, batch),
      terms: rule.kind === 'reduce' ? size(rule.domain(shapes), batch) : 0,
      outputs: size(n.shape, batch),
    };
    const tree = !gpu && rule.kind === 'reduce' && outputs < TREE_BELOW_OUTPUTS && work >= (outputs === 1 ? TREE_ABOVE_WORK_SINGLE : TREE_ABOVE_WORK);
    const tile = tree || gpu || rule.kind === 'expr' || rule.kind === 'dispatch' ? undefined : rule.tile?.({ ...shapes, target });
    const scratch = rule.kind === 'dispatch' ? rule.scratch?.(shapes) : undefined;
    kernels.push({
      name: n.id,
      root: n,
      rule,
      ...(scratch && { scratch }),
      ...(gpu
        ? gpuShape(perSet, 1, rule.kind === 'reduce')
        : {
            tree,
            ...(tree && target.subgroup && { treeLanes: target.subgroup }),
            ...(tile && { tile }),
            workgroup: tree ? REDUCE_WORKGROUP : heavyThreads(rule, tile, n) < SMALL_KERNEL_THREADS ? SMALL_WORKGROUP : MAP_WORKGROUP,
            light: !tree && !tile,
          }),
      // A dispatch op's passes have workgroups of their own: never merged.
      ...(rule.kind === 'dispatch' && { light: false }),
      target,
      work: perSet,
      fused: g.nodes.filter((x) => fused.has(x.id)),
      ...(chain && { prologue: chain.prologue }),
      ...(chain && tile?.init && foldedBias(chain.prologue, chain.epilogue[0] ?? n, readers)),
      epilogue: chain?.epilogue ?? [],
      reads: g.nodes.filter((x) => reads.has(x.id)).map((x) => x.id),
      inPlace: chain ? inPlaceReads(chain.prologue, [...chain.epilogue, n], stored, byId) : [],
      readShapes: new Map([...reads].map((r) => [r, byId.get(r)!.shape])),
      rules: new Map([...fused].map((f) => [f, opDef(byId.get(f)!.op).wgsl!])),
    });
  }
  const backward = backwardValues(g);
  const ordered = schedule(kernels, backward, lossValues(g));
  const summed = options.stepSums === false ? ordered : mergeTerms(ordered, backward, outputs);
  // A sum over steps does a set of work per step: GPU shapes judge the whole.
  const shaped = target.shapes === 'gpu' ? summed.map((k) => (k.terms ? { ...k, ...gpuShape(k.work, k.terms.length, true) } : k)) : summed;
  return { kernels: foldChannelSums(shaped) };
}

/**
 * For each loop op (convolution, dense layer) whose output only an
 * elementwise chain reads (bias add, activation, and the activation's VJP
 * terms), the value that ends the chain, with the loop op and the chain
 * between: the chain then runs in the loop op's kernel on values still in
 * registers, and only its end is stored. The chain may branch and join
 * (tanh's VJP reads the cotangent g twice: g - g y^2) as long as every
 * reader of the loop op or an inner node is in it and reads at the element it
 * computes. It ends in one value: one already stored, or one that a loop or
 * reduction reads. Storing relu(conv + b) rather than the raw convolution
 * spares each reader the bias load and the activation per read.
 */
function epilogues(g: Graph, stored: Set<string>, readers: Map<string, Node[]>): Map<string, { prologue: Node; epilogue: Node[] }> {
  const outputs = new Set(g.outputs);
  const order = new Map(g.nodes.map((n, j) => [n.id, j]));
  const out = new Map<string, { prologue: Node; epilogue: Node[] }>();
  const inChain = (n: Node, cur: Node, p: Node) => opDef(n.op).wgsl?.kind === 'expr' && sameShape(n.shape, p.shape) && readsInPlace(n, cur.id);
  for (const p of g.nodes) {
    if (opDef(p.op).wgsl?.kind !== 'loop' || outputs.has(p.id)) continue;
    const chain = new Map<string, Node>();
    const sinks = new Set<string>();
    const open = [p];
    while (open.length) {
      const cur = open.pop()!;
      const rs = readers.get(cur.id)!;
      const ends = !rs.every((n) => inChain(n, cur, p)) || (cur !== p && stored.has(cur.id));
      if (ends) {
        chain.delete(cur.id);
        sinks.add(cur.id);
        continue;
      }
      for (const n of rs)
        if (!chain.has(n.id)) {
          chain.set(n.id, n);
          open.push(n);
        }
    }
    const [sink] = sinks;
    // A chain that joins another loop op's (conv_a + conv_b) belongs to the first.
    if (sinks.size !== 1 || !sink || sink === p.id || out.has(sink)) continue;
    stored.delete(p.id);
    stored.add(sink);
    out.set(sink, { prologue: p, epilogue: [...chain.values()].sort((a, b) => order.get(a.id)! - order.get(b.id)!) });
  }
  return out;
}

/** `{ biasInit: first }` when `first`, the node after `p`, adds a channel's value to p (a bias_add) and alone reads p. */
function foldedBias(p: Node, first: Node, readers: Map<string, Node[]>): { biasInit: Node } | undefined {
  const rule = opDef(first.op).wgsl;
  const adds = rule?.kind === 'expr' && rule.channelAddend !== undefined;
  const only = adds && first.inputs[0] === p.id && !first.inputs.slice(1).includes(p.id) && readers.get(p.id)!.length === 1;
  return only ? { biasInit: first } : undefined;
}

/**
 * The stored values that a kernel with an epilogue reads only at the element
 * it writes (a loss seed the cotangent adds, a bias gradient's input), never
 * through its loop op: the output can overwrite them as it goes. `nodes` are
 * the epilogue's and the root, computed in registers from the prologue.
 */
function inPlaceReads(prologue: Node, nodes: Node[], stored: Set<string>, byId: Map<string, Node>): string[] {
  const registers = new Set([prologue.id, ...nodes.map((n) => n.id)]);
  const anywhere = new Set<string>();
  const mark = (id: string) => {
    if (anywhere.has(id)) return;
    anywhere.add(id);
    if (!stored.has(id)) byId.get(id)!.inputs.forEach(mark);
  };
  prologue.inputs.forEach(mark);
  const atElement = new Set<string>();
  const visit = (n: Node) => {
    for (const id of n.inputs) {
      if (registers.has(id)) continue;
      if (!readsInPlace(n, id)) mark(id);
      else if (stored.has(id)) atElement.add(id);
      else visit(byId.get(id)!);
    }
  };
  nodes.forEach(visit);
  return [...atElement].filter((id) => !anywhere.has(id));
}

/** Whether `n` reads `id` only at the element it computes (add, bias_add, relu — not shift or broadcast). */
function readsInPlace(n: Node, id: string): boolean {
  const rule = opDef(n.op).wgsl;
  if (rule?.kind !== 'expr') return false;
  let inPlace = true;
  let k = 0;
  rule.expr(
    {
      x: (slot, idx) => {
        if (n.inputs[slot] === id && idx !== 'i') inPlace = false;
        return '0.0';
      },
      out: n.shape,
      ins: n.inputs.map(() => n.shape),
      attrs: n.attrs,
      fresh: (t) => `${t}${k++}`,
      bound: tripCount,
      table: () => () => '0.0',
    },
    'i',
  );
  return inPlace;
}
