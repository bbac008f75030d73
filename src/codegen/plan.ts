// The kernel plan: what the compiler decided about *how* the configuration
// runs (Halide's schedule, kept apart from *what* it computes). Its text form
// is checked in beside every spec, so a change in fusion or memory shows up
// in review like a change in the IR.
import type { Graph } from '../ir/graph.js';
import type { Fusion, Kernel } from './fuse.js';
import { fuse } from './fuse.js';
import type { Memory } from './memory.js';
import { allocate } from './memory.js';
import { MAP_WORKGROUP } from './wgsl.js';

export interface Plan {
  graph: Graph;
  batch: number;
  fusion: Fusion;
  memory: Memory;
}

export function plan(graph: Graph, batch: number): Plan {
  const fusion = fuse(graph);
  return { graph, batch, fusion, memory: allocate(graph, fusion, batch) };
}

export interface PlanStats {
  kernels: number;
  dispatchesPerStep: number;
  arenaBytes: number;
  peakActivationBytes: number;
  inputBytes: number;
  batch: number;
}

export function planStats(p: Plan): PlanStats {
  const inputs = p.graph.nodes.filter((n) => n.op === 'input');
  return {
    kernels: p.fusion.kernels.length,
    dispatchesPerStep: p.fusion.kernels.length,
    arenaBytes: p.memory.floats * 4,
    peakActivationBytes: p.memory.peakActivations * 4,
    inputBytes: inputs.reduce((a, n) => a + p.memory.slots.get(n.id)!.size * 4, 0),
    batch: p.batch,
  };
}

export function workgroups(k: Kernel, batch: number): number {
  const count = k.root.shape.reduce<number>((a, d) => a * (d === 'B' ? batch : d), 1);
  return k.tree ? count : Math.ceil(count / k.perThread / MAP_WORKGROUP);
}

export function planText(p: Plan): string {
  const s = planStats(p);
  const rows = p.fusion.kernels.map((k, i) => [
    String(i),
    `%${k.root.id}`,
    k.prologue ? [k.prologue, ...k.epilogue, k.root].map((n) => n.op).join('+') : k.root.op,
    (k.rule.kind === 'reduce' ? (k.tree ? 'tree' : 'sum') : k.rule.kind) + (k.perThread > 1 ? `/tile${k.perThread}` : ''),
    String(workgroups(k, p.batch)),
    k.reads.map((r) => `%${r}`).join(' '),
    k.fused.length ? k.fused.map((n) => n.op).join(' ') : '-',
  ]);
  const head = ['#', 'kernel', 'op', 'form', 'groups', 'reads', 'fused'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((x, c) => (c === r.length - 1 ? x : x.padEnd(widths[c]!))).join('  ');
  const slots = [...p.memory.slots].sort(([, a], [, b]) => a.offset - b.offset || a.size - b.size);
  const nameW = Math.max(...slots.map(([id]) => id.length + 1));
  const offW = Math.max(...slots.map(([, sl]) => String(sl.offset).length + 1));
  return [
    `# ${p.graph.title}`,
    `# batch ${s.batch}: ${s.kernels} kernels, ${s.dispatchesPerStep} dispatches per step; arena ${kib(s.arenaBytes)} (inputs ${kib(s.inputBytes)}, peak activations ${kib(s.peakActivationBytes)})`,
    line(head),
    ...rows.map(line),
    '',
    '# memory: f32 arena slots (offset, elements at the batch above); a slot is reused once its last reader has run',
    ...slots.map(([id, sl]) => `%${id.padEnd(nameW - 1)}  ${`@${sl.offset}`.padEnd(offW)}  ${sl.size}`),
  ].join('\n') + '\n';
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
