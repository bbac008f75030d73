// A compiled graph on the GPU, run once with feeds (`tx grad --device gpu`):
// one arena buffer for every value, and a run that is one command buffer —
// feeds written, every kernel dispatched in order in one compute pass,
// outputs copied back.
import type { Target } from '../../ir/target.js';
import type { Kernel } from '../../codegen/kernel.js';
import type { Memory } from '../../codegen/memory.js';
import type { Graph } from '../../ir/graph.js';
import type { Tensor } from '../../ops/op.js';
import { sizedBuffer } from './buffers.js';
import { guard } from './lost.js';
import type { Plan } from '../../codegen/plan.js';
import { KERNEL_DECLS, STEP_UNIFORM_BYTES } from '../../codegen/wgsl.js';
import { stepUniform } from './train-bindings.js';
import type { CompiledPhases } from './pipeline.js';
import { arenaBuffer, compilePhases, encodeDispatches, offsetsGroupEntry, offsetsLayoutEntry, phaseDispatches, planFor } from './pipeline.js';

export class GpuProgram {
  private constructor(
    private readonly device: GPUDevice,
    readonly graph: Graph,
    private readonly plan: Plan,
    private readonly compiled: CompiledPhases,
    readonly maxBatch: number,
    private readonly arena: GPUBuffer,
    private readonly uniforms: GPUBuffer,
    private readonly bindGroup: GPUBindGroup,
  ) {}

  get kernels(): Kernel[] {
    return this.plan.fusion.kernels;
  }

  get memory(): Memory {
    return this.plan.memory;
  }

  static async compile(device: GPUDevice, graph: Graph, maxBatch: number, target?: Target): Promise<GpuProgram> {
    const layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
        offsetsLayoutEntry(),
      ],
    });
    const plan = planFor(device, graph, maxBatch, target);
    const compiled = await compilePhases(device, device.createPipelineLayout({ bindGroupLayouts: [layout] }), KERNEL_DECLS, plan.phases, maxBatch);
    const arena = await sizedBuffer(device, arenaBuffer(plan.memory, maxBatch));
    const uniforms = device.createBuffer({ size: STEP_UNIFORM_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const bindGroup = device.createBindGroup({
      layout,
      entries: [
        { binding: 0, resource: { buffer: arena } },
        { binding: 1, resource: { buffer: uniforms } },
        offsetsGroupEntry(compiled),
      ],
    });
    return new GpuProgram(device, graph, plan, compiled, maxBatch, arena, uniforms, bindGroup);
  }

  /** Runs the graph on a batch of `batch` samples; returns the requested values. */
  async run(batch: number, feeds: ReadonlyMap<string, Tensor>, read: readonly string[]): Promise<Map<string, Float32Array>> {
    if (batch < 1 || batch > this.maxBatch) throw new Error(`internal: batch ${batch} outside 1..${this.maxBatch}`);
    const q = this.device.queue;
    for (const [id, t] of feeds) {
      const slot = this.memory.slots.get(id);
      if (slot) q.writeBuffer(this.arena, slot.offset * 4, Float32Array.from(t.data));
    }
    q.writeBuffer(this.uniforms, 0, stepUniform(batch, 0, 0, 0));
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    encodeDispatches(pass, this.bindGroup, phaseDispatches(this.compiled, batch));
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
    const all = await guard(this.device, async () => {
      await staging.mapAsync(GPUMapMode.READ);
      return new Float32Array(staging.getMappedRange().slice(0));
    }).finally(() => staging.destroy());
    const out = new Map<string, Float32Array>();
    at = 0;
    read.forEach((id, j) => {
      out.set(id, all.subarray(at, at + slots[j]!.size));
      at += slots[j]!.size;
    });
    return out;
  }

  destroy(): void {
    this.compiled.offsets.destroy();
    this.arena.destroy();
    this.uniforms.destroy();
  }
}
