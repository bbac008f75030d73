// The float64 CPU executor: the interpreter's loss and gradient, then the
// optimizer. It is the reference a GPU executor's tests compare against.
import type { Graph } from '../ir/graph.js';
import type { Tensor } from '../ops/op.js';
import { cpuLossAndGrad } from '../runtime/cpu.js';
import type { Params } from '../runtime/params.js';
import type { StepExecutor } from './executor.js';
import type { OptState, Optimizer } from './optimizer.js';

interface State {
  params: Params;
  opt: OptState;
}

export class CpuExecutor implements StepExecutor {
  private now: State;
  /** The state before the latest update; the optimizer never mutates, so keeping it costs no copy. */
  private before: State | undefined;

  /** `graph`: a spec's configuration after every pass (outputs [loss, grad.<param>...]). */
  constructor(
    private readonly graph: Graph,
    private readonly optimizer: Optimizer,
    params: Params,
  ) {
    this.now = { params, opt: optimizer.init(params) };
  }

  step(windows: Tensor, lr: number): number {
    const { loss, grads } = cpuLossAndGrad(this.graph, this.now.params, windows);
    if (!Number.isFinite(loss)) return loss;
    this.before = this.now;
    const next = this.optimizer.update(this.now.params, grads, this.now.opt, lr);
    this.now = { params: next.params, opt: next.state };
    return loss;
  }

  undo(): boolean {
    if (!this.before) return false;
    this.now = this.before;
    this.before = undefined;
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
  }
}
