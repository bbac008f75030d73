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
// - Graph inputs (parameters, data) are always in memory.
// - A reduction with fewer than TREE_BELOW_OUTPUTS outputs over at least
//   TREE_ABOVE_WORK input elements gives each output a workgroup that sums in
//   a tree; otherwise one thread per output sums without barriers: many
//   outputs fill the machine alone, and a short sum (a loss over 32 x 30
//   values) costs less than a workgroup's barriers (on lavapipe a tree of 256
//   threads costs ~50 us, one thread summing 960 values ~2 us). A sum to a
//   single value (a loss, a one-channel bias gradient) is a tree from
//   TREE_ABOVE_WORK_SINGLE terms: one thread summing 8192 terms took 0.6 ms
//   on an H100 (a tree, a few us) and about a tree's time on lavapipe.
// - Epilogues: when a convolution or dense layer is read only by an
//   elementwise chain (bias add, activation) that ends in a stored value, the
//   chain runs in the layer's kernel on the value still in a register, and
//   the layer's raw output is never stored.
import type { Graph, Node } from '../ir/graph.js';
import { sameShape, users } from '../ir/graph.js';
import type { Tile, WgslRule } from '../ops/op.js';
import { tileThreads } from '../ops/op.js';
import { opDef } from '../ops/registry.js';
import { backwardValues, schedule } from './schedule.js';

const MAX_INLINE_COST = 24;
const RECOMPUTE_LIMIT = 64;
const TREE_BELOW_OUTPUTS = 64;
const TREE_ABOVE_WORK = 16384;
const TREE_ABOVE_WORK_SINGLE = 4096;
/**
 * Register-blocked kernels with few threads run in small workgroups: lavapipe
 * runs a workgroup on one core, so a 64-thread kernel in one workgroup would
 * leave the other cores idle.
 */
const SMALL_TILE_THREADS = 2048;

export const MAP_WORKGROUP = 64;
export const REDUCE_WORKGROUP = 256;
export const SMALL_WORKGROUP = 16;
/** Workgroups per dispatch dimension that every device allows; larger maps use a second dimension. */
export const MAX_GROUPS = 65535;
/** Batch size assumed when judging how much work a reduction is (plans do not depend on the batch). */
const TYPICAL_BATCH = 32;

export interface Kernel {
  /** The value it computes: stable for a given graph. */
  name: string;
  root: Node;
  rule: WgslRule;
  /** Inlined producers, in graph order. */
  fused: Node[];
  /** Outputs per thread: more than 1 when the root is computed in register blocks. */
  perThread: number;
  /** For register blocks, how many threads (see Tile). */
  threads?: Tile['threads'];
  /** Threads per workgroup. */
  workgroup: number;
  /** A loop op computed first, in the same thread, whose value the epilogue and root consume at the same index. */
  prologue?: Node;
  /** Elementwise nodes between the prologue and the root, in order. */
  epilogue: Node[];
  /** Values read from memory. */
  reads: string[];
  /**
   * For a reduction: sum in a workgroup tree (few outputs with long sums, as
   * a loss) or in one thread per output (many outputs: barriers cost more than
   * they save, as for a dense layer's weight gradient).
   */
  tree: boolean;
  /** Shapes of the values read, and the rules of the fused nodes, for codegen. */
  readShapes: Map<string, Node['shape']>;
  rules: Map<string, WgslRule>;
}

/** The ops a kernel computes, its prologue and epilogue included: `dense+bias_add+tanh`. */
export function kernelOps(k: Kernel): string {
  return k.prologue ? [k.prologue, ...k.epilogue, k.root].map((n) => n.op).join('+') : k.root.op;
}

export interface Fusion {
  kernels: Kernel[];
  /** Values stored in memory: inputs and kernel roots. */
  stored: Set<string>;
}

export function fuse(g: Graph): Fusion {
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
    if (rule?.kind === 'expr' || !rule?.reuse) continue;
    const reuse = rule.reuse({ out: n.shape, ins: n.inputs.map((i) => byId.get(i)!.shape), attrs: n.attrs });
    n.inputs.forEach((i, k) => {
      if (!stored.has(i) && cost.get(i)! * reuse[k]! > RECOMPUTE_LIMIT) stored.add(i);
    });
  }
  const chains = epilogues(g, stored);
  const kernels: Kernel[] = [];
  for (const n of g.nodes) {
    if (!stored.has(n.id) || n.op === 'input') continue;
    const chain = chains.get(n.id);
    const absorbed = new Set(chain ? [chain.prologue.id, ...chain.epilogue.map((x) => x.id)] : []);
    const fused = new Set<string>();
    const reads = new Set<string>();
    const visit = (id: string) => {
      if (stored.has(id)) reads.add(id);
      else if (absorbed.has(id)) {
        absorbed.delete(id);
        byId.get(id)!.inputs.forEach(visit);
      } else if (!fused.has(id)) {
        fused.add(id);
        byId.get(id)!.inputs.forEach(visit);
      }
    };
    n.inputs.forEach(visit);
    const rule = opDef((chain?.prologue ?? n).op).wgsl!;
    const outputs = n.shape.reduce<number>((a, d) => a * (d === 'B' ? 1 : d), 1);
    const work = byId.get(n.inputs[0]!)!.shape.reduce<number>((a, d) => a * (d === 'B' ? TYPICAL_BATCH : d), 1);
    const tree = rule.kind === 'reduce' && outputs < TREE_BELOW_OUTPUTS && work >= (outputs === 1 ? TREE_ABOVE_WORK_SINGLE : TREE_ABOVE_WORK);
    const blocked = chain?.prologue ?? n;
    const tile = tree || rule.kind === 'expr' ? undefined : rule.tile?.({ out: blocked.shape, ins: blocked.inputs.map((i) => byId.get(i)!.shape), attrs: blocked.attrs });
    kernels.push({
      name: n.id,
      root: n,
      rule,
      tree,
      perThread: tile?.size ?? 1,
      ...(tile && { threads: tile.threads }),
      workgroup: tree ? REDUCE_WORKGROUP : tile && tileThreads(tile.threads, TYPICAL_BATCH) < SMALL_TILE_THREADS ? SMALL_WORKGROUP : MAP_WORKGROUP,
      fused: g.nodes.filter((x) => fused.has(x.id)),
      ...(chain && { prologue: chain.prologue }),
      epilogue: chain?.epilogue ?? [],
      reads: g.nodes.filter((x) => reads.has(x.id)).map((x) => x.id),
      readShapes: new Map([...reads].map((r) => [r, byId.get(r)!.shape])),
      rules: new Map([...fused].map((f) => [f, opDef(byId.get(f)!.op).wgsl!])),
    });
  }
  return { kernels: schedule(kernels, backwardValues(g)), stored };
}

/**
 * For each stored value that ends an elementwise chain over a loop op's
 * output (read by nothing else), the loop op and the chain between. The loop
 * op is then no longer stored.
 */
function epilogues(g: Graph, stored: Set<string>): Map<string, { prologue: Node; epilogue: Node[] }> {
  const readers = users(g);
  const outputs = new Set(g.outputs);
  const out = new Map<string, { prologue: Node; epilogue: Node[] }>();
  for (const p of g.nodes) {
    if (opDef(p.op).wgsl?.kind !== 'loop' || outputs.has(p.id)) continue;
    const chain: Node[] = [];
    for (let cur = p; ; ) {
      const rs = readers.get(cur.id)!;
      const n = rs[0];
      if (rs.length !== 1 || !n || opDef(n.op).wgsl?.kind !== 'expr' || !sameShape(n.shape, p.shape) || !readsInPlace(n, cur.id)) break;
      if (stored.has(n.id)) {
        stored.delete(p.id);
        out.set(n.id, { prologue: p, epilogue: chain });
        break;
      }
      chain.push(n);
      cur = n;
    }
  }
  return out;
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
    },
    'i',
  );
  return inPlace;
}
