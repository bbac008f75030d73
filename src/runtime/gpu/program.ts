// A compiled graph on the GPU, run once with feeds (`tx grad --device gpu`):
// the step program of the graph alone (codegen/step.ts), and a run that is
// one command buffer — feeds written, every dispatch in the program's order
// in one compute pass, outputs copied back.
import { stepUniform } from '../../codegen/bindings.js';
import { stepProgram } from '../../codegen/step.js';
import type { Graph } from '../../ir/graph.js';
import type { Target } from '../../ir/target.js';
import { withinLimits } from '../../ir/target.js';
import type { Tensor } from '../../ops/op.js';
import { DeviceStep } from './device-step.js';
import { guard } from './lost.js';
import { deviceTarget } from './target-probe.js';

export class GpuProgram {
  private constructor(
    private readonly device: GPUDevice,
    private readonly step: DeviceStep,
  ) {}

  /** The graph compiled for `target`'s kernel shapes (the device's by default) within its limits and the device's, and loaded. */
  static async compile(device: GPUDevice, graph: Graph, maxBatch: number, target?: Target): Promise<GpuProgram> {
    const program = stepProgram(graph, { target: target ? withinLimits(target, device.limits) : deviceTarget(device), maxBatch });
    return new GpuProgram(device, await DeviceStep.load(device, program));
  }

  /** Runs the graph on a batch of `batch` samples; returns the requested values. */
  async run(batch: number, feeds: ReadonlyMap<string, Tensor>, read: readonly string[]): Promise<Map<string, Float32Array>> {
    const { batch: maxBatch, memory } = this.step.program;
    if (batch < 1 || batch > maxBatch) throw new Error(`internal: batch ${batch} outside 1..${maxBatch}`);
    const q = this.device.queue;
    const arena = this.step.buffer('arena');
    for (const [id, t] of feeds) {
      const slot = memory.slots.get(id);
      if (slot) q.writeBuffer(arena, slot.offset * 4, Float32Array.from(t.data));
    }
    q.writeBuffer(this.step.buffer('uniform'), 0, stepUniform(batch, 0, 0, 0));
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    this.step.encode(pass, batch);
    pass.end();
    // The program says where each output is kept for the host.
    const backs = read.map((id) => {
      const r = this.step.program.readbacks.find((x) => x.name === id);
      if (!r) throw new Error(`internal: %${id} is not among the program's read-backs`);
      return r;
    });
    const staging = this.device.createBuffer({ size: Math.max(4, backs.reduce((a, r) => a + r.bytes, 0)), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    let at = 0;
    for (const r of backs) {
      enc.copyBufferToBuffer(this.step.buffer(r.buffer), r.offset, staging, at, r.bytes);
      at += r.bytes;
    }
    q.submit([enc.finish()]);
    const all = await guard(this.device, async () => {
      await staging.mapAsync(GPUMapMode.READ);
      return new Float32Array(staging.getMappedRange().slice(0));
    }).finally(() => staging.destroy());
    const out = new Map<string, Float32Array>();
    at = 0;
    read.forEach((id, j) => {
      out.set(id, all.subarray(at / 4, (at + backs[j]!.bytes) / 4));
      at += backs[j]!.bytes;
    });
    return out;
  }

  destroy(): void {
    this.step.destroy();
  }
}
