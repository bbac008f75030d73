// A step's phases (the graph's kernels, and in training the gather and the
// optimizer) as compute pipelines, created once: one per dispatch, where a
// run of light phases shares a merged dispatch (codegen/merge.ts).
import { groupLabel, groupPhases, groupWorkgroups } from '../../codegen/merge.js';
import type { Memory } from '../../codegen/memory.js';
import type { Plan } from '../../codegen/plan.js';
import { plan } from '../../codegen/plan.js';
import type { Phase } from '../../codegen/wgsl.js';
import { moduleWgsl } from '../../codegen/wgsl.js';
import type { Graph } from '../../ir/graph.js';
import { checkFits, type SizedBuffer } from './buffers.js';
import { guard } from './lost.js';

export interface CompiledPhases {
  groups: Phase[][];
  pipelines: GPUComputePipeline[];
}

/** The graph's plan; an arena too large for the device is refused before any kernel is compiled. */
export function planFor(device: GPUDevice, graph: Graph, maxBatch: number): Plan {
  const p = plan(graph, maxBatch);
  checkFits(device, arenaBuffer(p.memory, maxBatch));
  return p;
}

/** `layout` must hold the bindings `decls` declares. */
export async function compilePhases(device: GPUDevice, layout: GPUPipelineLayout, decls: string, phases: readonly Phase[], maxBatch: number): Promise<CompiledPhases> {
  const groups = groupPhases(phases, maxBatch);
  // One at a time: Dawn on lavapipe aborted the process when several error
  // scopes and pipeline creations were in flight together.
  const pipelines: GPUComputePipeline[] = [];
  for (const g of groups) pipelines.push(await createPipeline(device, layout, groupLabel(g), moduleWgsl(decls, g)));
  return { groups, pipelines };
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
  x: number;
  y: number;
}

/** The dispatches, in order, for a batch of `batch` samples. */
export function phaseDispatches(c: CompiledPhases, batch: number): Dispatch[] {
  return c.groups.map((g, j) => ({ label: groupLabel(g), pipeline: c.pipelines[j]!, ...groupWorkgroups(g, batch) }));
}

/**
 * A kernel that fails WGSL validation is a compiler bug. Its source goes into
 * the message: this code also runs in a page, where there is no file to
 * write it to.
 */
export async function createPipeline(device: GPUDevice, layout: GPUPipelineLayout, label: string, code: string): Promise<GPUComputePipeline> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code, label });
  const p = device.createComputePipeline({ layout, compute: { module, entryPoint: 'main' }, label });
  const err = await guard(device, () => device.popErrorScope());
  if (err) {
    const info = await guard(device, () => module.getCompilationInfo());
    const msgs = info.messages.map((m) => `  ${m.lineNum}:${m.linePos} ${m.message}`).join('\n');
    throw new Error(`internal compiler error: kernel ${label} failed WGSL validation:\n${msgs || err.message}\n--- ${label} ---\n${code}`);
  }
  return p;
}
