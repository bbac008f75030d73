// The step program as text (`tx compile --emit plan`, the golden `*.plan`),
// its WGSL files (`--emit wgsl`) and its counts (`--stats`). The text is
// reviewed like the IR, so a small change to a spec must make a small diff:
// everything is named from the IR (kernels by the values they write,
// dispatches by their first kernel), columns have fixed widths, and the
// arena lists each slot's size and whose memory it reuses rather than
// offsets, which all move when one slot grows.
import type { Kernel } from './kernel.js';
import { kernelOps, kernelOutputs } from './kernel.js';
import { mib } from './bindings.js';
import { lines } from './memory.js';
import { graphFlops } from './plan.js';
import type { StepDispatch, StepProgram } from './step.js';
import { bufferLimit } from '../ir/target.js';

/** Each dispatch's WGSL, in order, in a file named after the dispatch. */
export function planModules(p: StepProgram): { name: string; wgsl: string }[] {
  return p.dispatches.map((d) => ({ name: `${d.name.replace(/[^A-Za-z0-9.]/g, '_')}.wgsl`, wgsl: d.code }));
}

export interface PlanStats {
  /** The graph's kernels (the gather and the optimizer are not counted). */
  kernels: number;
  dispatchesPerStep: number;
  /** Distinct WGSL modules among the dispatches: the pipelines a device compiles. */
  distinctModules: number;
  arenaBytes: number;
  peakActivationBytes: number;
  inputBytes: number;
  /**
   * Every buffer of the step program added up: the arena at the largest
   * batch, the uniforms and offsets, and in training the parameters with the
   * optimizer state, the trajectories and the window ids. They are created
   * before the first step and held through every one, so this is the step's
   * peak GPU memory; the host's staging buffers for read-backs (a few bytes
   * a step) and the pipelines are not counted.
   */
  gpuBytes: number;
  batch: number;
  /** Floating-point operations of the graph at the batch (opDef.flops): an inlined value that kernels recompute counts once. */
  flops: number;
}

export function planStats(p: StepProgram): PlanStats {
  const inputs = p.graph.nodes.filter((n) => n.op === 'input');
  return {
    kernels: p.fusion.kernels.length,
    dispatchesPerStep: p.dispatches.length,
    distinctModules: p.modules.length,
    arenaBytes: p.memory.floats * 4,
    peakActivationBytes: p.memory.peakActivations * 4,
    inputBytes: inputs.reduce((a, n) => a + p.memory.slots.get(n.id)!.size * 4, 0),
    gpuBytes: p.buffers.reduce((a, b) => a + (b.of ? 0 : b.bytes), 0),
    batch: p.batch,
    flops: graphFlops(p.graph, p.batch),
  };
}

/** Column widths: fixed, so that one long name moves its own line only. */
const NAME = 24;
const OP = 28;
const FORM = 12;
const SIZE = 10;
const BUFFER = 14;

export function planText(p: StepProgram): string {
  const s = planStats(p);
  const training = p.optimizer ? ` and the gather${p.optimizer.clipNorm === undefined ? '' : ", the gradients' global norm"} and ${p.optimizer.kind} update` : '';
  return [
    `# ${p.graph.title}`,
    `# target ${p.target.name}, batch ${s.batch}: ${(s.flops / 1e6).toPrecision(3)} MFLOP, ${s.kernels} kernels${training}, ${s.dispatchesPerStep} dispatch${s.dispatchesPerStep === 1 ? '' : 'es'} per step; arena ${kib(s.arenaBytes)} (inputs ${kib(s.inputBytes)}, peak activations ${kib(s.peakActivationBytes)})`,
    ...(p.apartFrom !== undefined ? [`# each step's gradient sums stay apart: summed in one kernel, the arena would take ${mib(p.apartFrom)} MiB, more than the target allows in one buffer`] : []),
    '',
    `# dispatches in order, named by their first kernel, with their workgroups at batch ${s.batch}. A merged dispatch runs its kernels in one workgroup, with barriers between dependent ones; "the module of X": X's WGSL but for comments, one pipeline`,
    '# kernels by the values they write: op, form, what it reads (and fused)',
    ...dispatchLines(p),
    '',
    `# arena: f32 slots in the order they are taken, elements at batch ${s.batch}. "in %x": memory %x held, free once its last reader ran, or in place where that reader writes only the elements it read. Inputs and outputs keep theirs throughout`,
    ...arenaLines(p),
    '',
    `# buffers: binding, bytes; each within the ${mib(bufferLimit(p.target))} MiB the target allows in one${p.memory.banks.length > 1 ? ", but the arena, one buffer seen through a binding per bank: the bytes each sees" : ''}`,
    ...p.buffers.map((b) => `${b.name.padEnd(BUFFER)}  ${b.binding}  ${b.bytes}${b.range ? `  ${b.of ? `of ${b.of}, ` : ''}bytes ${b.range.offset}..${b.range.offset + b.range.bytes}` : ''}`),
    '',
    '# read back by the host: buffer @ byte offset, bytes',
    ...p.readbacks.map((r) => `${r.name.padEnd(BUFFER)}  ${r.buffer} @${r.offset}  ${r.bytes}`),
  ].join('\n') + '\n';
}

function dispatchLines(p: StepProgram): string[] {
  // The plan's phases are its kernels' (a dispatch op's passes share its name); the step's gather and optimizer are not.
  const byName = new Map(p.fusion.kernels.map((k) => [k.name, k]));
  const kernelOf = new Map(p.phases.map((ph) => [ph, byName.get(ph.name)!]));
  const firstWith = new Map<number, StepDispatch>();
  return p.dispatches.flatMap((d) => {
    const { x, y } = d.workgroups(p.batch);
    const groups = y > 1 ? `${x} x ${y}` : String(x);
    const merged = d.phases.length > 1 ? `${d.phases.length} kernels merged, ` : '';
    const shared = firstWith.get(d.module);
    if (!shared) firstWith.set(d.module, d);
    const head = `dispatch ${d.name}: ${merged}${groups} workgroup${groups === '1' ? '' : 's'}${shared ? `, the module of ${shared.name}` : ''}`;
    const rows = d.phases.map((ph) => {
      const k = kernelOf.get(ph);
      if (k) return kernelRow(k, Boolean(ph.hasSweep && (ph.sweepAlone || d.phases.length > 1))) + (ph.pass ? `, ${ph.pass}` : '');
      if (ph.name === 'gather') return row('gather', 'gather', 'map', `trajectories windows, writes ${p.gather!.inputs.map((i) => `%${i.id}`).join(' ')}`);
      const o = p.optimizer!;
      const grads = o.tensors.map((t) => `%grad.${t.name}`).join(' ');
      if (ph.name === 'norms') return row('norms', 'global norm', 'sweep', `${grads} state, writes state`);
      const params = o.tensors.filter((t) => t.param !== undefined).map((t) => `%${t.name}`);
      const settings = [o.weightDecay !== undefined && `weight_decay ${o.weightDecay}`, o.clipNorm !== undefined && `clip_norm ${o.clipNorm}`].filter(Boolean);
      const rest = `${grads} %${p.graph.outputs[0]} state, writes ${[...params, 'state'].join(' ')}${settings.length ? `; ${settings.join(', ')}` : ''}`;
      return row('optimizer', o.kind + (o.clipNorm !== undefined ? '+clip' : ''), 'map', rest);
    });
    return [head, ...rows];
  });
}

/** A kernel: the values it writes, its ops, its form (a sum "sweeps" when its workgroup sums together), what it reads and fused. */
function kernelRow(k: Kernel, sweeps: boolean): string {
  const form = (k.rule.kind === 'reduce' ? (k.tree ? 'tree' : sweeps ? 'sweep' : 'sum') : k.rule.kind) + (k.tile ? `/${k.tile.subgroup ? 'sg' : 'tile'}${k.tile.size}` : '');
  const fused = k.fused.length ? `, fused ${k.fused.map((n) => n.op).join(' ')}` : '';
  return row(kernelOutputs(k).map((o) => `%${o}`).join(','), kernelOps(k), form, `${k.reads.map((r) => `%${r}`).join(' ')}${fused}`);
}

function row(name: string, op: string, form: string, rest: string): string {
  return `  ${name.padEnd(NAME)}  ${op.padEnd(OP)}  ${form.padEnd(FORM)}  ${rest}`;
}

/**
 * Slots in the order memory.ts takes them, each with the latest earlier slot
 * whose cache lines it takes over: with the sizes, that shows every choice
 * of the allocator, and a slot that grows changes its own line.
 */
function arenaLines(p: StepProgram): string[] {
  const slots = [...p.memory.slots];
  const end = (offset: number, size: number) => offset + lines(size);
  return slots.map(([id, sl], j) => {
    const before = slots.slice(0, j).reverse().find(([, b]) => b.offset < end(sl.offset, sl.size) && sl.offset < end(b.offset, b.size));
    return `${`%${id}`.padEnd(NAME)}  ${String(sl.size).padEnd(SIZE)}${before ? `  in %${before[0]}` : ''}`.trimEnd();
  });
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
