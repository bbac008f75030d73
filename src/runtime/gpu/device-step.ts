// A step program (codegen/step.ts) on a device: its buffers, one pipeline
// per distinct module, and one bind group for every dispatch. The program
// decided all of it; here it is only created, and its dispatches recorded in
// the program's order.
import { bufferOffset } from '../../codegen/memory.js';
import { TABLES_SLOT } from '../../codegen/tables.js';
import type { BufferName, StepBuffer } from '../../codegen/bindings.js';
import type { StepProgram } from '../../codegen/step.js';
import { sizedBuffer } from './buffers.js';
import { DeviceLostError, guard } from './lost.js';

export interface Dispatch {
  /** What it computes, for profiles. */
  label: string;
  pipeline: GPUComputePipeline;
  /** The dynamic offset of its arena offsets in the offsets uniform; undefined when its code holds them. */
  offsets: number | undefined;
  x: number;
  y: number;
  /** An ensemble's members (codegen/members.ts); 1 for a single run. */
  z: number;
}

export class DeviceStep {
  private readonly dispatchCache = new Map<number, Dispatch[]>();

  private constructor(
    readonly program: StepProgram,
    private readonly buffers: ReadonlyMap<BufferName, GPUBuffer>,
    private readonly pipelines: readonly GPUComputePipeline[],
    readonly bindGroup: GPUBindGroup,
  ) {}

  static async load(device: GPUDevice, program: StepProgram): Promise<DeviceStep> {
    const group = device.createBindGroupLayout({ entries: program.buffers.map(layoutEntry) });
    const layout = device.createPipelineLayout({ bindGroupLayouts: [group] });
    // All at once, so that a driver that compiles in parallel does.
    const pipelines = await Promise.all(program.modules.map((m) => createPipeline(device, layout, m.label, m.code)));
    const readBack = new Set(program.readbacks.map((r) => r.buffer));
    const buffers = new Map<BufferName, GPUBuffer>();
    try {
      // A bank of the arena is a range of the arena's buffer, not a buffer.
      for (const b of program.buffers.filter((x) => !x.of)) {
        const usage = (b.type === 'uniform' ? GPUBufferUsage.UNIFORM : GPUBufferUsage.STORAGE) | GPUBufferUsage.COPY_DST | (readBack.has(b.name) ? GPUBufferUsage.COPY_SRC : 0);
        const buffer = await sizedBuffer(device, b, usage);
        buffers.set(b.name, buffer);
        if (b.contents) device.queue.writeBuffer(buffer, 0, b.contents);
      }
      // The kernels' constant tables, once, where the plan put them.
      const tables = program.memory.slots.get(TABLES_SLOT);
      if (tables) device.queue.writeBuffer(buffers.get('arena')!, bufferOffset(program.memory, tables) * 4, program.tables.contents());
    } catch (e) {
      for (const b of buffers.values()) b.destroy();
      throw e;
    }
    const bindGroup = device.createBindGroup({
      layout: group,
      entries: program.buffers.map((b) => ({
        binding: b.binding,
        resource: { buffer: buffers.get(b.of ?? b.name)!, ...(b.window && { size: b.window }), ...(b.range && { offset: b.range.offset, size: b.range.bytes }) },
      })),
    });
    return new DeviceStep(program, buffers, pipelines, bindGroup);
  }

  buffer(name: BufferName): GPUBuffer {
    const b = this.buffers.get(name);
    if (!b) throw new Error(`internal: the step program has no ${name} buffer`);
    return b;
  }

  /** The program's dispatches, in order, at `batch`. */
  dispatches(batch: number): Dispatch[] {
    let ds = this.dispatchCache.get(batch);
    if (!ds) {
      ds = this.program.dispatches.map((d) => ({ label: d.label, pipeline: this.pipelines[d.module]!, offsets: d.offsets, ...d.workgroups(batch) }));
      this.dispatchCache.set(batch, ds);
    }
    return ds;
  }

  /** Records the whole step at `batch` into `pass`. */
  encode(pass: GPUComputePassEncoder, batch: number): void {
    encodeDispatches(pass, this.bindGroup, this.dispatches(batch));
  }

  /** Distinct pipelines: a layer at every time step is one. */
  get pipelineCount(): number {
    return this.pipelines.length;
  }

  destroy(): void {
    for (const b of this.buffers.values()) b.destroy();
  }
}

function layoutEntry(b: StepBuffer): GPUBindGroupLayoutEntry {
  return { binding: b.binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: b.type, ...(b.window && { hasDynamicOffset: true, minBindingSize: b.window }) } };
}

/** Records `dispatches` into `pass`, each with its offsets; `group` is the step's bind group at index 0. */
export function encodeDispatches(pass: GPUComputePassEncoder, group: GPUBindGroup, dispatches: readonly Dispatch[]): void {
  // Rebinding costs on a software driver: only where a dispatch reads its offsets.
  let bound = false;
  for (const d of dispatches) {
    if (!bound || d.offsets !== undefined) pass.setBindGroup(0, group, [d.offsets ?? 0]);
    bound = true;
    pass.setPipeline(d.pipeline);
    pass.dispatchWorkgroups(d.x, d.y, d.z);
  }
}

/**
 * A kernel that fails WGSL validation is a compiler bug. Its source goes into
 * the message: this code also runs in a page, where there is no file to
 * write it to.
 */
async function createPipeline(device: GPUDevice, layout: GPUPipelineLayout, label: string, code: string): Promise<GPUComputePipeline> {
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
