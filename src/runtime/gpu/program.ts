// A compiled graph on the GPU: pipelines created once, one arena buffer for
// every value, and a run that is one command buffer — feeds written, every
// kernel dispatched in order in one compute pass, outputs copied back.
import { UserError } from '../../dsl/diagnostics.js';
import type { Graph } from '../../ir/graph.js';
import type { Kernel } from '../../codegen/fuse.js';
import { fuse } from '../../codegen/fuse.js';
import type { Memory } from '../../codegen/memory.js';
import { allocate } from '../../codegen/memory.js';
import { MAP_WORKGROUP, MAX_GROUPS, kernelWgsl } from '../../codegen/wgsl.js';
import type { Tensor } from '../../ops/op.js';
import { writeAtomic } from '../../util/files.js';

export class GpuProgram {
  private readonly pipelines: GPUComputePipeline[];
  private readonly arena: GPUBuffer;
  private readonly uniforms: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;

  private constructor(
    private readonly device: GPUDevice,
    readonly graph: Graph,
    readonly kernels: Kernel[],
    readonly memory: Memory,
    readonly maxBatch: number,
    pipelines: GPUComputePipeline[],
    layout: GPUBindGroupLayout,
  ) {
    this.pipelines = pipelines;
    const bytes = Math.max(4, memory.floats * 4);
    const limit = device.limits.maxStorageBufferBindingSize;
    if (bytes > limit)
      throw new UserError(
        `the step needs ${(bytes / 2 ** 20).toFixed(1)} MiB of GPU memory in one binding, but the device allows ${(limit / 2 ** 20).toFixed(1)} MiB`,
        'use a smaller batch, a shorter rollout, or cut_bptt to shorten what backpropagation keeps',
      );
    this.arena = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
    this.uniforms = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.bindGroup = device.createBindGroup({
      layout,
      entries: [
        { binding: 0, resource: { buffer: this.arena } },
        { binding: 1, resource: { buffer: this.uniforms } },
      ],
    });
  }

  static async compile(device: GPUDevice, graph: Graph, maxBatch: number): Promise<GpuProgram> {
    const fusion = fuse(graph);
    const memory = allocate(graph, fusion, maxBatch);
    const layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      ],
    });
    const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
    // One at a time: Dawn on lavapipe aborted the process when several error
    // scopes and pipeline creations were in flight together.
    const pipelines: GPUComputePipeline[] = [];
    for (const k of fusion.kernels) pipelines.push(await pipeline(device, pipelineLayout, k, kernelWgsl(k, memory)));
    return new GpuProgram(device, graph, fusion.kernels, memory, maxBatch, pipelines, layout);
  }

  /** Runs the graph on a batch of `batch` samples; returns the requested values. */
  async run(batch: number, feeds: ReadonlyMap<string, Tensor>, read: readonly string[]): Promise<Map<string, Float32Array>> {
    if (batch < 1 || batch > this.maxBatch) throw new Error(`internal: batch ${batch} outside 1..${this.maxBatch}`);
    const q = this.device.queue;
    for (const [id, t] of feeds) {
      const slot = this.memory.slots.get(id);
      if (slot) q.writeBuffer(this.arena, slot.offset * 4, Float32Array.from(t.data));
    }
    q.writeBuffer(this.uniforms, 0, Uint32Array.of(batch, 0, 0, 0));
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setBindGroup(0, this.bindGroup);
    this.kernels.forEach((k, j) => {
      pass.setPipeline(this.pipelines[j]!);
      const [x, y] = this.workgroups(k, batch);
      pass.dispatchWorkgroups(x, y);
    });
    pass.end();
    const slots = read.map((id) => this.memory.slots.get(id)!);
    const total = slots.reduce((a, s) => a + s.size, 0);
    const staging = this.device.createBuffer({ size: Math.max(4, total * 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    let at = 0;
    for (const s of slots) {
      enc.copyBufferToBuffer(this.arena, s.offset * 4, staging, at * 4, s.size * 4);
      at += s.size;
    }
    q.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const all = new Float32Array(staging.getMappedRange().slice(0));
    staging.destroy();
    const out = new Map<string, Float32Array>();
    at = 0;
    read.forEach((id, j) => {
      out.set(id, all.subarray(at, at + slots[j]!.size));
      at += slots[j]!.size;
    });
    return out;
  }

  private workgroups(k: Kernel, batch: number): [number, number] {
    const count = k.root.shape.reduce<number>((a, d) => a * (d === 'B' ? batch : d), 1);
    const groups = k.rule.kind === 'reduce' ? count : Math.ceil(count / MAP_WORKGROUP);
    const max = MAX_GROUPS;
    if (groups <= max) return [Math.max(1, groups), 1];
    if (k.rule.kind === 'reduce') throw new Error(`internal: ${k.name} reduces into ${count} elements, more workgroups than the device allows`);
    return [max, Math.ceil(groups / max)];
  }

  destroy(): void {
    this.arena.destroy();
    this.uniforms.destroy();
  }
}

/** A kernel that fails WGSL validation is a compiler bug: name it and keep its source. */
async function pipeline(device: GPUDevice, layout: GPUPipelineLayout, k: Kernel, code: string): Promise<GPUComputePipeline> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code, label: k.name });
  const p = device.createComputePipeline({ layout, compute: { module, entryPoint: 'main' }, label: k.name });
  const err = await device.popErrorScope();
  if (err) {
    const info = await module.getCompilationInfo();
    const file = `${typeof process !== 'undefined' ? (process.env['TMPDIR'] ?? '/tmp') : '/tmp'}/txc-${k.name.replace(/[^A-Za-z0-9.]/g, '_')}.wgsl`;
    try {
      writeAtomic(file, code);
    } catch {
      /* a page cannot write files; the message below still names the kernel */
    }
    const msgs = info.messages.map((m) => `  ${m.lineNum}:${m.linePos} ${m.message}`).join('\n');
    throw new Error(`internal compiler error: kernel ${k.name} failed WGSL validation (source in ${file}):\n${msgs || err.message}`);
  }
  return p;
}
