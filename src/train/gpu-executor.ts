// The GPU executor: a GpuTrainProgram driven step by step (or one member of
// an ensemble's, members.ts), and the bookkeeping that stays on the host —
// the optimizer's step count and Adam's bias corrections (in float64, once
// per step, instead of powers in float32 on the device), the losses in step
// order, and how many of the started updates the device applied before a
// non-finite loss halted it.
import { dataLayout } from '../codegen/gather.js';
import { ADAM, stateRegions, type OptimizerSpec } from '../codegen/optimizer.js';
import { stepProgram } from '../codegen/step.js';
import type { Graph } from '../ir/graph.js';
import { deviceTarget } from '../runtime/gpu/target-probe.js';
import { GpuTrainProgram, LOSS_GROUP } from '../runtime/gpu/train-program.js';
import { membersOf, type MemberProgram } from './members.js';
import type { Params } from '../runtime/params.js';
import type { Norms, StepExecutor, StepLoss, WindowSource } from './executor.js';
import { optimizer, stateKind, type OptState } from './optimizer.js';

export class GpuExecutor implements StepExecutor {
  /** Two groups: one being read while the next fills, so the queue never drains. */
  readonly lag = 2 * LOSS_GROUP;
  readonly readback = LOSS_GROUP;
  get kernels(): number {
    return this.program.pipelineCount;
  }
  get maxBatch(): number {
    return this.program.maxBatch;
  }
  /** The optimizer's count at the last restore. */
  private base = 0;
  /** Steps started since the last restore, and how many of their losses were read back. */
  private started = 0;
  private read = 0;
  /** The first of those steps whose loss was not finite: the device applied no update from it on. */
  private firstBad: number | undefined;
  private losses: StepLoss[] = [];
  private taken: StepLoss | undefined;

  private constructor(
    private readonly program: MemberProgram,
    private readonly spec: OptimizerSpec,
    private readonly shapes: [string, readonly number[]][],
  ) {}

  /** `graph`: a spec's configuration after every pass (outputs [loss, grad.<param>...]), compiled for the device. */
  static async create(device: GPUDevice, graph: Graph, spec: OptimizerSpec, params: Params, source: WindowSource, maxBatch: number): Promise<GpuExecutor> {
    return (await GpuExecutor.ensemble(device, graph, spec, [params], source, maxBatch))[0]!;
  }

  /** The executors of an ensemble's members, one program for all: member m starts from `params[m]`. `target`: the device's by default. */
  static async ensemble(device: GPUDevice, graph: Graph, spec: OptimizerSpec, params: readonly Params[], source: WindowSource, maxBatch: number, target = deviceTarget(device)): Promise<GpuExecutor[]> {
    const [first] = params as [Params];
    const step = stepProgram(graph, {
      target,
      maxBatch,
      training: { data: dataLayout(source.data.shape, source.window, source.substack), params: [...first].map(([name, t]) => ({ name, size: t.data.length })), optimizer: spec },
      members: params.length,
    });
    const program = await GpuTrainProgram.load(device, step, source.data);
    return membersOf(program).map((member, m) => {
      const exec = new GpuExecutor(member, spec, [...first].map(([name, t]) => [name, t.shape]));
      exec.write(params[m]!, optimizer({ optimizer: spec.kind }).init(params[m]!));
      return exec;
    });
  }

  step(indices: readonly number[], lr: number): void {
    const count = this.base + this.started + 1;
    // optax's bias_correction: 1 - decay^count with count already incremented.
    this.program.step(indices, lr, 1 - ADAM.b1 ** count, 1 - ADAM.b2 ** count);
    this.started++;
  }

  takeLoss(): number | Promise<number> {
    if (!this.losses.length) return this.readGroup().then(() => this.takeLoss());
    this.taken = this.losses.shift()!;
    return this.taken.loss;
  }

  takenNorms(): Norms | undefined {
    return this.taken?.norms;
  }

  async undo(): Promise<boolean> {
    const applied = await this.applied();
    if (applied === 0) return false;
    const values = await this.program.readState();
    // The update wrote the state it replaced in the regions behind the current ones.
    const n = stateRegions(this.spec.kind).current * this.program.parameterCount;
    values.copyWithin(0, n, 2 * n);
    this.program.writeState(values);
    this.reset(this.base + applied - 1);
    return true;
  }

  async params(): Promise<Params> {
    await this.applied();
    return this.decode(await this.program.readState(), 0);
  }

  async optimizerState(): Promise<OptState> {
    const count = this.base + (await this.applied());
    if (this.spec.kind === 'sgd') return { kind: 'sgd', count };
    const values = await this.program.readState();
    return { kind: 'adam', count, mu: this.decode(values, 1), nu: this.decode(values, 2) };
  }

  async restore(params: Params, state: OptState): Promise<void> {
    await this.applied();
    this.write(params, state);
  }

  /** Each distinct pipeline's first run (GpuTrainProgram.firstRuns); leaves the state changed. */
  firstRuns(batch: number): Promise<{ label: string; ms: number }[]> {
    return this.program.program.firstRuns(batch);
  }

  /** Per-dispatch times of a step (GpuTrainProgram.profile); leaves the state changed. */
  profile(batch: number, reps: number): Promise<{ label: string; ms: number }[]> {
    return this.program.program.profile(batch, reps);
  }

  /** The run is over (members.ts): an ensemble's other members step on without it. */
  finish(): void {
    this.program.finish();
  }

  /** Frees the device's buffers once every member is done; the executor is unusable after. */
  dispose(): void {
    this.program.destroy();
  }

  /** Updates the device applied since the last restore, once every started step's loss is known. */
  private async applied(): Promise<number> {
    while (this.read < this.started) await this.readGroup();
    return Math.min(this.started, this.firstBad ?? Infinity);
  }

  private async readGroup(): Promise<void> {
    const group = await this.program.nextLosses();
    if (!group) throw new Error('internal: no step to take the loss of');
    const k = this.program.loggedFloats;
    for (let at = 0; at < group.length; at += k) {
      const loss = group[at]!;
      if (this.firstBad === undefined && !Number.isFinite(loss)) this.firstBad = this.read;
      this.read++;
      this.losses.push(k === 1 ? { loss } : { loss, norms: { grad: group[at + 1]!, weight: group[at + 2]! } });
    }
  }

  private write(params: Params, state: OptState): void {
    if (state.kind !== stateKind(this.spec.kind)) throw new Error(`internal: ${this.spec.kind} given ${state.kind} state`);
    const n = this.program.parameterCount;
    const values = new Float32Array(stateRegions(this.spec.kind).total * n);
    const put = (p: Params, region: number) => {
      let at = region * n;
      for (const [name] of this.shapes) {
        const data = p.get(name)!.data;
        values.set(data, at);
        at += data.length;
      }
    };
    put(params, 0);
    if (state.kind === 'adam') {
      put(state.mu, 1);
      put(state.nu, 2);
    }
    this.program.writeState(values);
    this.reset(state.count);
  }

  private reset(count: number): void {
    this.base = count;
    this.started = 0;
    this.read = 0;
    this.firstBad = undefined;
    this.losses = [];
  }

  private decode(values: Float32Array, region: number): Params {
    const out: Params = new Map();
    let at = region * this.program.parameterCount;
    for (const [name, shape] of this.shapes) {
      const size = shape.reduce((a, x) => a * x, 1);
      out.set(name, { shape, data: Float64Array.from(values.subarray(at, at + size)) });
      at += size;
    }
    return out;
  }
}
