// A training step on the GPU as one command buffer: the minibatch gathered
// from trajectories kept on the device, the forward and backward kernels, the
// optimizer update, and a copy of the loss for the read-back. The host writes
// only the window ids and the step's uniform before submitting, so no step
// waits for the host and no step waits for the one before it to be read.
import type { Trajectories } from '../../data/trajectories.js';
import { UserError } from '../../util/diagnostics.js';
import type { Graph } from '../../ir/graph.js';
import { checkFits, sizedBuffer, type SizedBuffer } from './buffers.js';
import type { Plan } from '../../codegen/plan.js';
import { STEP_UNIFORM_BYTES } from '../../codegen/wgsl.js';
import type { GatherPlan } from './gather-wgsl.js';
import { gatherPhase } from './gather-wgsl.js';
import { LossReadback } from './loss-readback.js';
import { guard } from './lost.js';
import type { OptimizerPlan } from './optimizer-wgsl.js';
import { optimizerPhase, parameterCount, stateRegions } from './optimizer-wgsl.js';
import type { CompiledPhases, Dispatch } from './pipeline.js';
import { arenaBuffer, compilePhases, encodeDispatches, offsetsGroupEntry, phaseDispatches, planFor } from './pipeline.js';
import { STATE_HEADER, stepUniform, TRAIN_DECLS, trainLayout } from './train-bindings.js';

/** Steps whose losses are mapped together. */
export const LOSS_GROUP = 10;

const F32_MAX = 3.4028234663852886e38;

export interface TrainProgramSpec {
  /** After every pass: outputs [loss, grad.<param>...]. */
  graph: Graph;
  /** The emulator's parameters, in the order of the optimizer state. */
  params: { name: string; size: number }[];
  optimizer: Omit<OptimizerPlan, 'tensors' | 'loss'>;
  /** The training trajectories `[n, snapshots, ...state]` and the windows cut from them. */
  data: Trajectories;
  window: number;
  substack: boolean;
  /** The largest minibatch; shorter ones run with the same kernels. */
  maxBatch: number;
}

export class GpuTrainProgram {
  private readonly dispatchCache = new Map<number, Dispatch[]>();
  private readonly losses: LossReadback;

  private constructor(
    private readonly device: GPUDevice,
    private readonly compiled: CompiledPhases,
    private readonly optimizer: OptimizerPlan,
    readonly maxBatch: number,
    private readonly buffers: { arena: GPUBuffer; uniform: GPUBuffer; state: GPUBuffer; trajectories: GPUBuffer; windows: GPUBuffer },
    private readonly bindGroup: GPUBindGroup,
  ) {
    this.losses = new LossReadback(device, LOSS_GROUP);
  }

  static async compile(device: GPUDevice, spec: TrainProgramSpec): Promise<GpuTrainProgram> {
    const trajectories = float32Data(spec.data);
    const trajectoryBuffer: SizedBuffer = {
      what: 'the training trajectories',
      bytes: trajectories.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      hint: 'train on fewer or shorter trajectories (hold some out with test_trajectories), or in float64 on the CPU with --device cpu',
    };
    checkFits(device, trajectoryBuffer);
    const layout = trainLayout(device);
    const graph = planFor(device, spec.graph, spec.maxBatch);
    const optimizer = planOptimizer(spec, graph);
    const phases = [gatherPhase(planGather(spec, graph), graph.target), ...graph.phases, optimizerPhase(optimizer)];
    const compiled = await compilePhases(device, layout.pipeline, TRAIN_DECLS, phases, spec.maxBatch);

    const regions = stateRegions(spec.optimizer.kind).total;
    const buffers = {
      arena: await sizedBuffer(device, arenaBuffer(graph.memory, spec.maxBatch)),
      trajectories: await sizedBuffer(device, trajectoryBuffer),
      state: await sizedBuffer(device, {
        what: `the parameters and the ${spec.optimizer.kind} state`,
        bytes: STATE_HEADER + regions * parameterCount(optimizer) * 4,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
        hint: 'use a smaller emulator',
      }),
      windows: device.createBuffer({ size: spec.maxBatch * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST }),
      uniform: device.createBuffer({ size: STEP_UNIFORM_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
    };
    device.queue.writeBuffer(buffers.trajectories, 0, trajectories);
    const bindGroup = device.createBindGroup({
      layout: layout.group,
      entries: [
        ...[buffers.arena, buffers.uniform, buffers.state, buffers.trajectories, buffers.windows].map((buffer, binding) => ({ binding, resource: { buffer } })),
        offsetsGroupEntry(compiled),
      ],
    });
    return new GpuTrainProgram(device, compiled, optimizer, spec.maxBatch, buffers, bindGroup);
  }

  /** Distinct pipelines: a layer at every time step is one. */
  get pipelineCount(): number {
    return new Set(this.compiled.pipelines).size;
  }

  /** Floats in one region of the state: every parameter of the emulator. */
  get parameterCount(): number {
    return parameterCount(this.optimizer);
  }

  /** Submits one step on the windows `windows`; `c1`, `c2` are Adam's bias corrections for it. */
  step(windows: readonly number[], lr: number, c1: number, c2: number): void {
    const batch = windows.length;
    if (batch < 1 || batch > this.maxBatch) throw new Error(`internal: batch ${batch} outside 1..${this.maxBatch}`);
    const q = this.device.queue;
    // Queue writes land between the submits around them, so the steps
    // already in flight keep the windows and uniform they were given.
    q.writeBuffer(this.buffers.windows, 0, Uint32Array.from(windows));
    q.writeBuffer(this.buffers.uniform, 0, stepUniform(batch, lr, c1, c2));
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    encodeDispatches(pass, this.bindGroup, this.dispatches(batch));
    pass.end();
    this.losses.record(enc, this.buffers.arena, this.optimizer.loss * 4);
    q.submit([enc.finish()]);
    this.losses.submitted();
  }

  /** The losses of the oldest steps not read yet, in order (a group at a time); undefined when none is pending. */
  nextLosses(): Promise<Float32Array | undefined> {
    return this.losses.next();
  }

  /** The optimizer state's values (see stateRegions), after every submitted step. */
  async readState(): Promise<Float32Array<ArrayBuffer>> {
    const bytes = this.buffers.state.size;
    const staging = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(this.buffers.state, 0, staging, 0, bytes);
    this.device.queue.submit([enc.finish()]);
    try {
      return await guard(this.device, async () => {
        await staging.mapAsync(GPUMapMode.READ);
        // Mapped ranges start at multiples of 8 bytes: map it all, skip the header.
        return new Float32Array(staging.getMappedRange().slice(STATE_HEADER));
      });
    } finally {
      staging.destroy();
    }
  }

  /** Replaces the state (and un-halts it); the parameters' arena slots follow. */
  writeState(values: Float32Array<ArrayBuffer>): void {
    const q = this.device.queue;
    q.writeBuffer(this.buffers.state, 0, Uint32Array.of(0));
    q.writeBuffer(this.buffers.state, STATE_HEADER, values);
    let start = 0;
    for (const t of this.optimizer.tensors) {
      if (t.param !== undefined) q.writeBuffer(this.buffers.arena, t.param * 4, values, start, t.size);
      start += t.size;
    }
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
    const ds = this.dispatches(batch);
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
    for (const d of this.dispatches(batch)) {
      if (seen.has(d.pipeline)) continue;
      seen.add(d.pipeline);
      out.push({ label: d.label, ms: await time(d, 1) });
    }
    return out;
  }

  /** Times `n` copies of a dispatch in one command buffer, on a step of `batch` zero windows. */
  private timer(batch: number): (d: Dispatch | undefined, n: number) => Promise<number> {
    const q = this.device.queue;
    q.writeBuffer(this.buffers.windows, 0, new Uint32Array(batch));
    q.writeBuffer(this.buffers.uniform, 0, stepUniform(batch, 0, 1, 1));
    return async (d, n) => {
      const enc = this.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      if (d) encodeDispatches(pass, this.bindGroup, Array<Dispatch>(n).fill(d));
      pass.end();
      const t0 = performance.now();
      q.submit([enc.finish()]);
      await q.onSubmittedWorkDone();
      return performance.now() - t0;
    };
  }

  /** Dispatches per step: gather, the graph's kernels, the optimizer (light neighbours merged). */
  private dispatches(batch: number): Dispatch[] {
    let d = this.dispatchCache.get(batch);
    if (!d) this.dispatchCache.set(batch, (d = phaseDispatches(this.compiled, batch)));
    return d;
  }

  destroy(): void {
    this.compiled.offsets.destroy();
    this.losses.destroy();
    for (const b of Object.values(this.buffers)) b.destroy();
  }
}

function planGather(spec: TrainProgramSpec, graph: Plan): GatherPlan {
  const [, snapshots, ...state] = spec.data.shape as [number, number, ...number[]];
  const inputs = spec.graph.nodes
    .filter((n) => n.op === 'input' && n.attrs.param === undefined)
    .map((n) => {
      const snapshot = n.op === 'input' && n.attrs.name === 'target' ? n.attrs.t : 0;
      if (snapshot >= spec.window) throw new UserError(`the windows have ${spec.window} snapshots, but the configuration reads snapshot ${snapshot}`);
      return { offset: graph.memory.slots.get(n.id)!.offset, snapshot };
    });
  return { inputs, stateSize: state.reduce((a, x) => a * x, 1), snapshots, perTrajectory: spec.substack ? snapshots - spec.window + 1 : 1 };
}

function planOptimizer(spec: TrainProgramSpec, graph: Plan): OptimizerPlan {
  const slot = (id: string) => graph.memory.slots.get(id);
  const tensors = spec.params.map(({ name, size }) => {
    const grad = slot(`grad.${name}`);
    if (!grad) throw new Error(`internal: the graph has no gradient for '${name}'`);
    const input = spec.graph.nodes.find((n) => n.op === 'input' && n.attrs.param === name);
    return { size, grad: grad.offset, param: input && slot(input.id)!.offset };
  });
  return { ...spec.optimizer, tensors, loss: slot(spec.graph.outputs[0]!)!.offset };
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
