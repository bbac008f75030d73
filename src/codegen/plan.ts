// The kernel plan: what the compiler decided about *how* the configuration
// runs (Halide's schedule, kept apart from *what* it computes). Its text form
// is checked in beside every spec, so a change in fusion or memory shows up
// in review like a change in the IR.
import type { Graph } from '../ir/graph.js';
import { elements } from '../ir/graph.js';
import { opDef } from '../ops/registry.js';
import type { FuseOptions } from './fuse.js';
import type { Fusion } from './kernel.js';
import { fuse } from './fuse.js';
import { kernelOps, kernelOutputs } from './kernel.js';
import type { Memory } from './memory.js';
import { allocate } from './memory.js';
import { groupPhases, workgroupCount } from './merge.js';
import type { Target } from '../ir/target.js';
import { GENERIC } from '../ir/target.js';
import type { Phase } from './wgsl.js';
import { groupModules, KERNEL_DECLS, kernelPhase, moduleKey } from './wgsl.js';

export interface Plan {
  graph: Graph;
  batch: number;
  target: Target;
  fusion: Fusion;
  memory: Memory;
  /** The kernels as WGSL phases, in order. */
  phases: Phase[];
  /** Kernel indices per dispatch: several in one are merged. */
  dispatches: number[][];
}

export function plan(graph: Graph, batch: number, target: Target = GENERIC, options: FuseOptions = {}): Plan {
  const fusion = fuse(graph, target, batch, options);
  const memory = allocate(graph, fusion, batch);
  const phases = fusion.kernels.map((k) => kernelPhase(k, memory));
  const index = new Map(phases.map((p, i) => [p, i]));
  const dispatches = groupPhases(phases, batch).map((g) => g.map((p) => index.get(p)!));
  return { graph, batch, target, fusion, memory, phases, dispatches };
}

/** The WGSL module of each dispatch, in order, with a file name for each. */
export function planModules(p: Plan): { name: string; wgsl: string }[] {
  const modules = groupModules(KERNEL_DECLS, p.dispatches.map((d) => d.map((i) => p.phases[i]!)));
  return p.dispatches.map((d, j) => {
    const first = p.fusion.kernels[d[0]!]!.name.replace(/[^A-Za-z0-9.]/g, '_');
    return { name: `${String(j).padStart(3, '0')}-${first}${d.length > 1 ? `-merged${d.length}` : ''}.wgsl`, wgsl: modules[j]!.code };
  });
}

export interface PlanStats {
  kernels: number;
  dispatchesPerStep: number;
  /** Distinct WGSL modules among the dispatches: the pipelines a device compiles. */
  distinctModules: number;
  arenaBytes: number;
  peakActivationBytes: number;
  inputBytes: number;
  batch: number;
  /** Floating-point operations of the graph at the batch (opDef.flops): an inlined value that kernels recompute counts once. */
  flops: number;
}

export function planStats(p: Plan): PlanStats {
  const inputs = p.graph.nodes.filter((n) => n.op === 'input');
  return {
    kernels: p.fusion.kernels.length,
    dispatchesPerStep: p.dispatches.length,
    distinctModules: new Set(planModules(p).map((m) => moduleKey(m.wgsl))).size,
    arenaBytes: p.memory.floats * 4,
    peakActivationBytes: p.memory.peakActivations * 4,
    inputBytes: inputs.reduce((a, n) => a + p.memory.slots.get(n.id)!.size * 4, 0),
    batch: p.batch,
    flops: graphFlops(p.graph, p.batch),
  };
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

export function planText(p: Plan): string {
  const s = planStats(p);
  const dispatchOf = new Map(p.dispatches.flatMap((d, j) => d.map((i) => [i, j])));
  // A sum runs as its workgroup's sweep in a merged dispatch, and alone where the phase says so.
  const sweeps = (i: number) => Boolean(p.phases[i]!.sweep && (p.phases[i]!.sweepAlone || p.dispatches[dispatchOf.get(i)!]!.length > 1));
  const rows = p.fusion.kernels.map((k, i) => [
    String(i),
    String(dispatchOf.get(i)),
    kernelOutputs(k).map((o) => `%${o}`).join(','),
    kernelOps(k),
    (k.rule.kind === 'reduce' ? (k.tree ? 'tree' : sweeps(i) ? 'sweep' : 'sum') : k.rule.kind) + (k.tile ? `/${k.tile.subgroup ? 'sg' : 'tile'}${k.tile.size}` : ''),
    p.dispatches[dispatchOf.get(i)!]!.length > 1 ? 'merged' : String(workgroupCount([p.phases[i]!], p.batch)),
    k.reads.map((r) => `%${r}`).join(' '),
    k.fused.length ? k.fused.map((n) => n.op).join(' ') : '-',
  ]);
  const head = ['#', 'dispatch', 'kernel', 'op', 'form', 'groups', 'reads', 'fused'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((x, c) => (c === r.length - 1 ? x : x.padEnd(widths[c]!))).join('  ');
  const slots = [...p.memory.slots].sort(([, a], [, b]) => a.offset - b.offset || a.size - b.size);
  const nameW = Math.max(...slots.map(([id]) => id.length + 1));
  const offW = Math.max(...slots.map(([, sl]) => String(sl.offset).length + 1));
  return [
    `# ${p.graph.title}`,
    `# target ${p.target.name}, batch ${s.batch}: ${(s.flops / 1e6).toPrecision(3)} MFLOP, ${s.kernels} kernels, ${s.dispatchesPerStep} dispatch${s.dispatchesPerStep === 1 ? '' : 'es'} per step; arena ${kib(s.arenaBytes)} (inputs ${kib(s.inputBytes)}, peak activations ${kib(s.peakActivationBytes)})`,
    line(head),
    ...rows.map(line),
    '',
    '# dispatch: kernels with the same number run as one merged dispatch (one workgroup, barriers between dependent kernels)',
    '# memory: f32 arena slots (offset, elements at the batch above); a slot is reused once its last reader has run, or by that reader\'s output where it reads the value only at the elements it writes',
    ...slots.map(([id, sl]) => `%${id.padEnd(nameW - 1)}  ${`@${sl.offset}`.padEnd(offW)}  ${sl.size}`),
  ].join('\n') + '\n';
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
