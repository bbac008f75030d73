// A differentiated graph's kernels as compute pipelines, created once, and
// the workgroups each dispatch needs at a given batch.
import type { Kernel } from '../../codegen/fuse.js';
import type { Memory } from '../../codegen/memory.js';
import { plan, workgroups } from '../../codegen/plan.js';
import { MAP_WORKGROUP, MAX_GROUPS, kernelWgsl } from '../../codegen/wgsl.js';
import type { Graph } from '../../ir/graph.js';
import { checkFits, type SizedBuffer } from './buffers.js';
import { guard } from './lost.js';

export interface CompiledGraph {
  kernels: Kernel[];
  memory: Memory;
  pipelines: GPUComputePipeline[];
}

/**
 * `layout` must hold the codegen's bindings (arena at 0, uniform at 1); it
 * may hold more. An arena too large for the device is refused before any
 * kernel is compiled.
 */
export async function compileGraph(device: GPUDevice, layout: GPUPipelineLayout, graph: Graph, maxBatch: number): Promise<CompiledGraph> {
  const { fusion, memory } = plan(graph, maxBatch);
  checkFits(device, arenaBuffer(memory, maxBatch));
  // One at a time: Dawn on lavapipe aborted the process when several error
  // scopes and pipeline creations were in flight together.
  const pipelines: GPUComputePipeline[] = [];
  for (const k of fusion.kernels) pipelines.push(await createPipeline(device, layout, k.name, kernelWgsl(k, memory)));
  return { kernels: fusion.kernels, memory, pipelines };
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
  pipeline: GPUComputePipeline;
  x: number;
  y: number;
}

/** The graph's dispatches, in order, for a batch of `batch` samples. */
export function graphDispatches(c: CompiledGraph, batch: number): Dispatch[] {
  return c.kernels.map((k, j) => {
    const groups = workgroups(k, batch);
    // A workgroup-tree reduction indexes by workgroup id alone; every other
    // kernel folds a second dimension back into its thread index.
    if (groups > MAX_GROUPS && k.tree) throw new Error(`internal: ${k.name} reduces with ${groups} workgroups, more than a dimension allows`);
    return { pipeline: c.pipelines[j]!, ...split(groups) };
  });
}

/**
 * Workgroups for one thread per element in MAP_WORKGROUP-wide groups; past
 * MAX_GROUPS a second dimension, which kernels fold back as
 * `gid.x + gid.y * MAX_GROUPS * MAP_WORKGROUP`.
 */
export function mapGroups(threads: number): { x: number; y: number } {
  return split(Math.ceil(threads / MAP_WORKGROUP));
}

function split(groups: number): { x: number; y: number } {
  return groups <= MAX_GROUPS ? { x: Math.max(1, groups), y: 1 } : { x: MAX_GROUPS, y: Math.ceil(groups / MAX_GROUPS) };
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
