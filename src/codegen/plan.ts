// The kernel plan: what the compiler decided about *how* the graph runs
// (Halide's schedule, kept apart from *what* it computes): its kernels, their
// WGSL and the arena. The step program (step.ts) puts it on a device.
import type { Graph } from '../ir/graph.js';
import { elements } from '../ir/graph.js';
import { opDef } from '../ops/registry.js';
import type { FuseOptions } from './fuse.js';
import type { Fusion } from './kernel.js';
import { fuse } from './fuse.js';
import type { Memory } from './memory.js';
import { allocate, BANK_ALIGN } from './memory.js';
import type { Target } from '../ir/target.js';
import { GENERIC } from '../ir/target.js';
import type { Phase } from './wgsl.js';
import { kernelPhase } from './wgsl.js';
import { dispatchPhases } from './dispatch-wgsl.js';
import { Tables } from './tables.js';

export interface Plan {
  graph: Graph;
  batch: number;
  target: Target;
  fusion: Fusion;
  memory: Memory;
  /** The kernels as WGSL phases, in order: one each, or a dispatch op's passes. */
  phases: Phase[];
  /** The constant tables the kernels read. */
  tables: Tables;
}

/** `members`: an ensemble's (members.ts), each with its copy of the arena. */
export function plan(graph: Graph, batch: number, target: Target = GENERIC, options: FuseOptions = {}, members = 1): Plan {
  const fusion = fuse(graph, target, batch, options);
  const tables = Tables.of(graph);
  const memory = allocate(graph, fusion, batch, bankFloats(target), members, tables.size);
  const phases = fusion.kernels.flatMap((k) => (k.rule.kind === 'dispatch' ? dispatchPhases(k, memory) : [kernelPhase(k, memory, tables)]));
  return { graph, batch, target, fusion, memory, phases, tables };
}

/** The f32 elements one binding of the arena may see on the target: a bank. */
function bankFloats(target: Target): number {
  const floats = Math.min(target.limits.maxStorageBufferBindingSize, target.limits.maxBufferSize) / 4;
  return Math.floor(floats / BANK_ALIGN) * BANK_ALIGN;
}

/** Floating-point operations of a graph at a batch (OpDef.flops; one per element where an op gives none). */
export function graphFlops(g: Graph, batch: number): number {
  const shapes = new Map(g.nodes.map((n) => [n.id, n.shape]));
  return g.nodes.reduce((total, n) => {
    const def = opDef(n.op);
    if (def.leaf) return total;
    const per = def.flops?.({ out: n.shape, ins: n.inputs.map((i) => shapes.get(i)!), attrs: n.attrs }) ?? [1];
    return total + elements(n.shape, batch) * elements(per, batch);
  }, 0);
}
