// A step's phases (the graph's kernels, and in training the gather and the
// optimizer) as compute pipelines, created once: one per dispatch, where a
// run of light phases shares a merged dispatch (codegen/merge.ts).
import { groupLabel, groupPhases, groupWorkgroups } from '../../codegen/merge.js';
import type { Memory } from '../../codegen/memory.js';
import type { Plan } from '../../codegen/plan.js';
import { plan } from '../../codegen/plan.js';
import type { Phase } from '../../codegen/wgsl.js';
import { groupModules, MAX_OFFSETS, moduleKey, OFFSETS_BINDING, OFFSETS_STRIDE } from '../../codegen/wgsl.js';
import type { Target } from '../../ir/target.js';
import type { Graph } from '../../ir/graph.js';
import { checkFits, fits, type SizedBuffer } from './buffers.js';
import { DeviceLostError, guard } from './lost.js';
import { deviceTarget } from './target-probe.js';

export interface CompiledPhases {
  groups: Phase[][];
  /** Per group; groups whose modules are the same text share one. */
  pipelines: GPUComputePipeline[];
  /** Per group: whether its dispatch reads its offsets from the uniform. */
  readsOffsets: boolean[];
  /** Every dispatch's arena offsets, OFFSETS_STRIDE bytes apart, for the OFFSETS_BINDING uniform. */
  offsets: GPUBuffer;
}

/**
 * The graph's plan for the device's target; an arena too large for the
 * device is refused before any kernel is compiled. Summing a parameter's
 * per-step gradients in one kernel keeps every step's cotangents alive
 * until it runs: where that does not fit, the steps' sums stay apart.
 */
export function planFor(device: GPUDevice, graph: Graph, maxBatch: number, target: Target = deviceTarget(device)): Plan {
  const p = plan(graph, maxBatch, target);
  if (fits(device, arenaBuffer(p.memory, maxBatch))) return p;
  const lean = plan(graph, maxBatch, target, { stepSums: false });
  checkFits(device, arenaBuffer(lean.memory, maxBatch));
  return lean;
}

/** `layout` must hold the bindings `decls` declares, with offsetsLayoutEntry() among them. */
export async function compilePhases(device: GPUDevice, layout: GPUPipelineLayout, decls: string, phases: readonly Phase[], maxBatch: number): Promise<CompiledPhases> {
  const groups = groupPhases(phases, maxBatch);
  const modules = groupModules(decls, groups);
  const table = new Uint32Array((groups.length * OFFSETS_STRIDE) / 4);
  modules.forEach((m, j) => table.set(m.offsets ?? [], (j * OFFSETS_STRIDE) / 4));
  const offsets = device.createBuffer({ size: table.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(offsets, 0, table);
  // All at once, so that a driver that compiles in parallel does. Modules
  // that differ only in comments (a layer at another time step) share one.
  const byText = new Map<string, Promise<GPUComputePipeline>>();
  const pending = groups.map((g, j) => {
    const { code } = modules[j]!;
    const key = moduleKey(code);
    let p = byText.get(key);
    if (!p) byText.set(key, (p = createPipeline(device, layout, groupLabel(g), code)));
    return p;
  });
  try {
    return { groups, pipelines: await Promise.all(pending), readsOffsets: modules.map((m) => m.offsets !== undefined), offsets };
  } catch (e) {
    offsets.destroy();
    throw e;
  }
}

/** The layout entry of the offsets uniform. */
export function offsetsLayoutEntry(): GPUBindGroupLayoutEntry {
  return { binding: OFFSETS_BINDING, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: MAX_OFFSETS * 4 } };
}

/** The bind group entry of the offsets uniform. */
export function offsetsGroupEntry(c: CompiledPhases): GPUBindGroupEntry {
  return { binding: OFFSETS_BINDING, resource: { buffer: c.offsets, size: MAX_OFFSETS * 4 } };
}

/** The one buffer of every value of a step, as codegen laid it out for `maxBatch`. */
export function arenaBuffer(memory: Memory, maxBatch: number): SizedBuffer {
  return {
    what: `the values of a step at batch ${maxBatch}`,
    bytes: memory.floats * 4,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    hint: 'use a smaller batch, a shorter rollout, or cut_bptt to shorten what backpropagation keeps',
  };
}

export interface Dispatch {
  /** What it computes, for profiles. */
  label: string;
  pipeline: GPUComputePipeline;
  /** The dynamic offset of its arena offsets in the offsets uniform; undefined when its code holds them. */
  offsets: number | undefined;
  x: number;
  y: number;
}

/** Records `dispatches` into `pass`, each with its offsets; `group` is the step's bind group at index 0. */
export function encodeDispatches(pass: GPUComputePassEncoder, group: GPUBindGroup, dispatches: readonly Dispatch[]): void {
  // Rebinding costs on a software driver: only where a dispatch reads its offsets.
  let bound = false;
  for (const d of dispatches) {
    if (!bound || d.offsets !== undefined) pass.setBindGroup(0, group, [d.offsets ?? 0]);
    bound = true;
    pass.setPipeline(d.pipeline);
    pass.dispatchWorkgroups(d.x, d.y);
  }
}

/** The dispatches, in order, for a batch of `batch` samples. */
export function phaseDispatches(c: CompiledPhases, batch: number): Dispatch[] {
  return c.groups.map((g, j) => ({ label: groupLabel(g), pipeline: c.pipelines[j]!, offsets: c.readsOffsets[j] ? j * OFFSETS_STRIDE : undefined, ...groupWorkgroups(g, batch) }));
}

/**
 * A kernel that fails WGSL validation is a compiler bug. Its source goes into
 * the message: this code also runs in a page, where there is no file to
 * write it to.
 */
export async function createPipeline(device: GPUDevice, layout: GPUPipelineLayout, label: string, code: string): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ code, label });
  try {
    return await guard(device, () => device.createComputePipelineAsync({ layout, compute: { module, entryPoint: 'main' }, label }));
  } catch (e) {
    if (e instanceof DeviceLostError || !(e instanceof Error)) throw e;
    const info = await guard(device, () => module.getCompilationInfo());
    const msgs = info.messages.map((m) => `  ${m.lineNum}:${m.linePos} ${m.message}`).join('\n');
    throw new Error(`internal compiler error: kernel ${label} failed WGSL validation:\n${msgs || e.message}\n--- ${label} ---\n${code}`);
  }
}
