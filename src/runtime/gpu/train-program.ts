// A training step on the GPU as one command buffer: the minibatch gathered
// from trajectories kept on the device, the forward and backward kernels, the
// optimizer update, and a copy of the loss for the read-back. The host writes
// only the window ids and the step's uniform before submitting, so no step
// waits for the host and no step waits for the one before it to be read.
// An ensemble's program (codegen/members.ts) steps every member at once: each
// gets its windows, logs its loss and keeps its state.
import { stepUniform } from '../../codegen/bindings.js';
import type { OptimizerPlan } from '../../codegen/optimizer.js';
import { memberStateFloats, parameterCount } from '../../codegen/optimizer.js';
import { stateHeader } from '../../codegen/bindings.js';
import { firstBankStride } from '../../codegen/memory.js';
import type { Readback, StepProgram } from '../../codegen/step.js';
import type { Trajectories } from '../../data/trajectories.js';
import { UserError } from '../../util/diagnostics.js';
import type { Dispatch } from './device-step.js';
import { DeviceStep, encodeDispatches } from './device-step.js';
import { LossReadback } from './loss-readback.js';
import { guard } from './lost.js';

/** Steps whose losses are mapped together. */
export const LOSS_GROUP = 10;

const F32_MAX = 3.4028234663852886e38;

export class GpuTrainProgram {
  private readonly losses: LossReadback;
  private readonly optimizer: OptimizerPlan;
  /** What each step copies for the host: its loss, then its norms where the step computes them. */
  private readonly logged: Readback[];

  private constructor(
    private readonly device: GPUDevice,
    private readonly onDevice: DeviceStep,
  ) {
    this.optimizer = onDevice.program.optimizer!;
    this.logged = onDevice.program.readbacks.filter((r) => r.name === 'loss' || r.name === 'norms');
    this.losses = new LossReadback(device, LOSS_GROUP, this.logged.reduce((a, r) => a + r.bytes, 0));
  }

  /** `program`: a training step (codegen/step.ts); `data`: the trajectories it was compiled for. */
  static async load(device: GPUDevice, program: StepProgram, data: Trajectories): Promise<GpuTrainProgram> {
    if (!program.optimizer) throw new Error('internal: a training program without an optimizer');
    const trajectories = float32Data(data);
    const bytes = program.buffers.find((b) => b.name === 'trajectories')?.bytes;
    if (bytes !== trajectories.byteLength) throw new Error(`internal: the step holds ${bytes} bytes of trajectories, the data has ${trajectories.byteLength}`);
    const step = await DeviceStep.load(device, program);
    device.queue.writeBuffer(step.buffer('trajectories'), 0, trajectories);
    return new GpuTrainProgram(device, step);
  }

  get maxBatch(): number {
    return this.onDevice.program.batch;
  }

  /** Distinct pipelines: a layer at every time step is one. */
  get pipelineCount(): number {
    return this.onDevice.pipelineCount;
  }

  /** Floats in one region of the state: every parameter of the emulator. */
  get parameterCount(): number {
    return parameterCount(this.optimizer);
  }

  get members(): number {
    return this.onDevice.program.members;
  }

  /** Submits one step, each member on its windows (as many for each); `c1`, `c2` are Adam's bias corrections for it. */
  step(windows: readonly (readonly number[])[], lr: number, c1: number, c2: number): void {
    const batch = windows[0]?.length ?? 0;
    if (batch < 1 || batch > this.maxBatch) throw new Error(`internal: batch ${batch} outside 1..${this.maxBatch}`);
    if (windows.length !== this.members || windows.some((w) => w.length !== batch)) throw new Error(`internal: ${this.members} members stepped with windows of ${windows.map((w) => w.length).join(', ')}`);
    const ids = new Uint32Array(this.members === 1 ? batch : this.members * this.maxBatch);
    windows.forEach((w, m) => ids.set(w, m * this.maxBatch));
    const q = this.device.queue;
    // Queue writes land between the submits around them, so the steps
    // already in flight keep the windows and uniform they were given.
    q.writeBuffer(this.onDevice.buffer('windows'), 0, ids);
    q.writeBuffer(this.onDevice.buffer('uniform'), 0, stepUniform(batch, lr, c1, c2));
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    this.onDevice.encode(pass, batch);
    pass.end();
    this.losses.record(enc, this.logged.map((r) => ({ src: this.onDevice.buffer(r.buffer), offset: r.offset, bytes: r.bytes })));
    q.submit([enc.finish()]);
    this.losses.submitted();
  }

  /** Floats each step logs per member: 1 (the loss), or 3 where it computes norms (loss, the gradients' global norm, the parameters'). */
  get loggedFloats(): number {
    return this.logged.reduce((a, r) => a + r.bytes / 4, 0) / this.members;
  }

  /** Floats of the state per member (readState). */
  get memberStateFloats(): number {
    return memberStateFloats(this.optimizer);
  }

  /** What the oldest steps not read yet logged (loggedFloats for each member in turn), in order (a group at a time); undefined when none is pending. */
  nextLosses(): Promise<Float32Array | undefined> {
    return this.losses.next();
  }

  /** The optimizer state's values (see stateRegions), each member's memberStateFloats in turn, after every submitted step. */
  async readState(): Promise<Float32Array<ArrayBuffer>> {
    const state = this.readback('state');
    const bytes = state.offset + state.bytes;
    const staging = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(this.onDevice.buffer(state.buffer), 0, staging, 0, bytes);
    this.device.queue.submit([enc.finish()]);
    try {
      return await guard(this.device, async () => {
        await staging.mapAsync(GPUMapMode.READ);
        // Mapped ranges start at multiples of 8 bytes: map it all, skip the header.
        return new Float32Array(staging.getMappedRange().slice(state.offset));
      });
    } finally {
      staging.destroy();
    }
  }

  /** Replaces a member's state (and un-halts it); its parameters' arena slots follow. */
  writeState(values: Float32Array<ArrayBuffer>, member = 0): void {
    const q = this.device.queue;
    const state = this.onDevice.buffer('state');
    // The header first: `halted` back to 0.
    this.halt(member, false);
    q.writeBuffer(state, stateHeader(this.members) + member * this.memberStateFloats * 4, values);
    const arena = member * firstBankStride(this.onDevice.program.memory);
    let start = 0;
    for (const t of this.optimizer.tensors) {
      if (t.param !== undefined) q.writeBuffer(this.onDevice.buffer('arena'), (t.param + arena) * 4, values, start, t.size);
      start += t.size;
    }
  }

  /** Sets a member's `halted` flag: the steps submitted after it leave its state as it is (or, false, update it again). */
  halt(member: number, halted = true): void {
    this.device.queue.writeBuffer(this.onDevice.buffer('state'), member * 4, Uint32Array.of(halted ? 1 : 0));
  }

  /**
   * Each dispatch of a step timed alone: `reps` copies in one command buffer,
   * less an empty submit's time, per copy. For `npm run bench -- --profile`;
   * it runs steps' kernels on the current state, so profile a throwaway run.
   */
  async profile(batch: number, reps: number): Promise<{ label: string; ms: number }[]> {
    const time = this.timer(batch);
    const median = async (d: Dispatch | undefined, n: number) => {
      const ts: number[] = [];
      for (let k = 0; k < 5; k++) ts.push(await time(d, n));
      return ts.sort((a, b) => a - b)[2]!;
    };
    const empty = await median(undefined, 0);
    const out: { label: string; ms: number }[] = [];
    const ds = this.onDevice.dispatches(batch);
    for (let j = 0; j < ds.length; j++) out.push({ label: `${ds[j]!.label} [${ds[j]!.x}x${ds[j]!.y}]`, ms: Math.max(0, (await median(ds[j], reps)) - empty) / reps });
    return out;
  }

  /**
   * The first dispatch of each distinct pipeline, alone, timed: on a driver
   * that compiles a pipeline at its first use (lavapipe) that is its compile
   * time. Like profile, it changes the state: time a throwaway run.
   */
  async firstRuns(batch: number): Promise<{ label: string; ms: number }[]> {
    const time = this.timer(batch);
    const seen = new Set<GPUComputePipeline>();
    const out: { label: string; ms: number }[] = [];
    for (const d of this.onDevice.dispatches(batch)) {
      if (seen.has(d.pipeline)) continue;
      seen.add(d.pipeline);
      out.push({ label: d.label, ms: await time(d, 1) });
    }
    return out;
  }

  /** Times `n` copies of a dispatch in one command buffer, on a step of `batch` zero windows. */
  private timer(batch: number): (d: Dispatch | undefined, n: number) => Promise<number> {
    const q = this.device.queue;
    q.writeBuffer(this.onDevice.buffer('windows'), 0, new Uint32Array(batch));
    q.writeBuffer(this.onDevice.buffer('uniform'), 0, stepUniform(batch, 0, 1, 1));
    return async (d, n) => {
      const enc = this.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      if (d) encodeDispatches(pass, this.onDevice.bindGroup, Array<Dispatch>(n).fill(d));
      pass.end();
      const t0 = performance.now();
      q.submit([enc.finish()]);
      await q.onSubmittedWorkDone();
      return performance.now() - t0;
    };
  }

  /** Where the program keeps the state for the host. */
  private readback(name: 'state'): Readback {
    return this.onDevice.program.readbacks.find((r) => r.name === name)!;
  }

  destroy(): void {
    this.losses.destroy();
    this.onDevice.destroy();
  }
}

/** The trajectories in the GPU's float32, refusing values float32 cannot hold rather than training on infinities. */
function float32Data(t: Trajectories): Float32Array<ArrayBuffer> {
  const bad = t.data.findIndex((x) => Math.abs(x) > F32_MAX);
  if (bad >= 0)
    throw new UserError(
      `the training data holds ${t.data[bad]} (entry ${bad} of the flattened trajectories), beyond float32's range (±3.4e38), in which the GPU computes`,
      'rescale the data, or train in float64 on the CPU with --device cpu',
    );
  return Float32Array.from(t.data);
}
