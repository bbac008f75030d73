// A step graph run again and again on the GPU, its output becoming its next
// input without leaving the device: an emulator rolled out (`tx eval`,
// `tx rollout`) and a solver's trajectories generated (`tx data`). Only the
// states the caller asks for are copied back. The graph's inputs live in the
// arena for the whole step (memory.ts pins them), so parameters written once
// stay for every step after.
import { stepUniform } from '../../codegen/bindings.js';
import { stepProgram } from '../../codegen/step.js';
import type { Graph } from '../../ir/graph.js';
import type { Target } from '../../ir/target.js';
import { withinLimits } from '../../ir/target.js';
import type { Tensor } from '../../ops/op.js';
import { DeviceStep } from './device-step.js';
import { guard } from './lost.js';
import { deviceTarget } from './target-probe.js';

export interface LoopState {
  /** The input the state is written to and fed back into. */
  input: string;
  /** The output that is the next state. */
  output: string;
}

export class GpuLoop {
  /** Between the output's slot and the input's: WebGPU copies never run within one buffer. */
  private readonly carry: GPUBuffer;

  private constructor(
    private readonly device: GPUDevice,
    private readonly step: DeviceStep,
    private readonly state: LoopState,
    /** Bytes of one state of the batch at most. */
    readonly stateBytes: number,
  ) {
    this.carry = device.createBuffer({ size: stateBytes, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label: 'loop state' });
  }

  /** The graph compiled for `target`'s kernel shapes (the device's by default), and loaded. */
  static async compile(device: GPUDevice, graph: Graph, maxBatch: number, state: LoopState, target?: Target): Promise<GpuLoop> {
    const program = stepProgram(graph, { target: target ? withinLimits(target, device.limits) : deviceTarget(device), maxBatch });
    const [inSlot, outSlot] = [program.memory.slots.get(state.input), program.memory.slots.get(state.output)];
    if (!inSlot || !outSlot || inSlot.size !== outSlot.size) throw new Error(`internal: %${state.input} and %${state.output} are not one state's slots`);
    return new GpuLoop(device, await DeviceStep.load(device, program), state, inSlot.size * 4);
  }

  /** The largest batch the loop was compiled for. */
  get maxBatch(): number {
    return this.step.program.batch;
  }

  /** Writes the inputs: the state, and any others (parameters), which then stay for every later step. */
  write(batch: number, feeds: ReadonlyMap<string, Tensor>): void {
    this.checkBatch(batch);
    const q = this.device.queue;
    const arena = this.step.buffer('arena');
    for (const [id, t] of feeds) {
      const slot = this.step.program.memory.slots.get(id);
      if (slot) q.writeBuffer(arena, slot.offset * 4, Float32Array.from(t.data));
    }
    q.writeBuffer(this.step.buffer('uniform'), 0, stepUniform(batch, 0, 0, 0));
  }

  /**
   * Runs `steps` steps of `batch` states in one command buffer, each output
   * copied to the input on the device. With `read`, the state after each
   * step comes back (`[batch, ...state]` each, float32); without, nothing does.
   */
  async advance(batch: number, steps: number, read: boolean): Promise<Float32Array[]> {
    this.checkBatch(batch);
    const bytes = this.bytesAt(batch);
    const arena = this.step.buffer('arena');
    const [from, to] = [this.offset(this.state.output), this.offset(this.state.input)];
    const staging = read ? this.staging(steps * bytes) : undefined;
    const enc = this.device.createCommandEncoder();
    for (let s = 0; s < steps; s++) {
      const pass = enc.beginComputePass();
      this.step.encode(pass, batch);
      pass.end();
      enc.copyBufferToBuffer(arena, from, this.carry, 0, bytes);
      enc.copyBufferToBuffer(this.carry, 0, arena, to, bytes);
      if (staging) enc.copyBufferToBuffer(this.carry, 0, staging, s * bytes, bytes);
    }
    this.device.queue.submit([enc.finish()]);
    if (!staging) return [];
    const all = await this.map(staging);
    return Array.from({ length: steps }, (_, s) => all.subarray((s * bytes) / 4, ((s + 1) * bytes) / 4));
  }

  /** The current state (what the next step reads), `[batch, ...state]`. */
  async current(batch: number): Promise<Float32Array> {
    this.checkBatch(batch);
    const bytes = this.bytesAt(batch);
    const staging = this.staging(bytes);
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(this.step.buffer('arena'), this.offset(this.state.input), staging, 0, bytes);
    this.device.queue.submit([enc.finish()]);
    return this.map(staging);
  }

  destroy(): void {
    this.carry.destroy();
    this.step.destroy();
  }

  /** A state's rows are the batch's leading part of its slot. */
  private bytesAt(batch: number): number {
    return (this.stateBytes / this.maxBatch) * batch;
  }

  private offset(id: string): number {
    return this.step.program.memory.slots.get(id)!.offset * 4;
  }

  private staging(bytes: number): GPUBuffer {
    return this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'loop read-back' });
  }

  private async map(staging: GPUBuffer): Promise<Float32Array> {
    return guard(this.device, async () => {
      await staging.mapAsync(GPUMapMode.READ);
      return new Float32Array(staging.getMappedRange().slice(0));
    }).finally(() => staging.destroy());
  }

  private checkBatch(batch: number): void {
    if (batch < 1 || batch > this.maxBatch) throw new Error(`internal: batch ${batch} outside 1..${this.maxBatch}`);
  }
}
