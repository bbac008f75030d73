// The float64 CPU executor: windows gathered on the host, the interpreter's
// loss and gradient, then the optimizer. It is the reference a GPU executor's
// tests compare against.
import { gatherWindows } from '../data/windows.js';
import type { Graph } from '../ir/graph.js';
import { cpuLossAndGrad } from '../runtime/cpu.js';
import type { Params } from '../runtime/params.js';
import type { Norms, StepExecutor, StepLoss, WindowSource } from './executor.js';
import type { OptState, Optimizer } from './optimizer.js';
import { globalNorm } from './optimizer.js';

interface State {
  params: Params;
  opt: OptState;
}

export class CpuExecutor implements StepExecutor {
  readonly lag = 0;
  private now: State;
  /** The state before the latest update; the optimizer never mutates, so keeping it costs no copy. */
  private before: State | undefined;
  private halted = false;
  private losses: StepLoss[] = [];
  private taken: StepLoss | undefined;

  /** `graph`: a spec's configuration after every pass (outputs [loss, grad.<param>...]). */
  constructor(
    private readonly graph: Graph,
    private readonly optimizer: Optimizer,
    params: Params,
    private readonly source: WindowSource,
  ) {
    this.now = { params, opt: optimizer.init(params) };
  }

  step(indices: readonly number[], lr: number): void {
    const { data, window, substack } = this.source;
    const { loss, grads } = cpuLossAndGrad(this.graph, this.now.params, gatherWindows(data, indices, window, substack));
    this.losses.push({ loss, norms: { grad: globalNorm(grads), weight: globalNorm(this.now.params) } });
    this.halted ||= !Number.isFinite(loss);
    if (this.halted) return;
    this.before = this.now;
    const next = this.optimizer.update(this.now.params, grads, this.now.opt, lr);
    this.now = { params: next.params, opt: next.state };
  }

  takeLoss(): number {
    this.taken = this.losses.shift();
    if (this.taken === undefined) throw new Error('internal: no step to take the loss of');
    return this.taken.loss;
  }

  takenNorms(): Norms | undefined {
    return this.taken?.norms;
  }

  undo(): boolean {
    if (!this.before) return false;
    this.restore(this.before.params, this.before.opt);
    return true;
  }

  params(): Params {
    return this.now.params;
  }

  optimizerState(): OptState {
    return this.now.opt;
  }

  restore(params: Params, opt: OptState): void {
    this.now = { params, opt };
    this.before = undefined;
    this.halted = false;
    this.losses = [];
  }
}
