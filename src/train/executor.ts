// Where a training step runs. The trainer owns the schedule (which windows,
// which learning rate, when to stop or save); an executor owns the parameters
// and optimizer state and applies one update at a time. The CPU executor is
// the float64 reference; a GPU executor keeps everything on the device and
// answers `step` with a promise, so the trainer awaits whatever it gets and
// gathers the next minibatch while that promise is pending.
import type { Tensor } from '../ops/op.js';
import type { Params } from '../runtime/params.js';
import type { OptState } from './optimizer.js';

export type { OptState } from './optimizer.js';

export interface StepExecutor {
  /**
   * One update on a minibatch of windows `[batch, window, ...state]`; returns
   * the loss computed BEFORE the update. When that loss is not finite the
   * update is not applied (its gradient is garbage), so the state stays the
   * one that produced it.
   */
  step(windows: Tensor, lr: number): number | Promise<number>;
  /**
   * Takes back the latest applied update (one level deep): after a non-finite
   * loss at step s this returns the executor to the parameters of step s - 1,
   * the last ones whose loss was finite. False when there is none to take
   * back (no update applied since the start or the last `restore`).
   */
  undo(): boolean | Promise<boolean>;
  /** Current parameters; callers must not mutate them. */
  params(): Params | Promise<Params>;
  /** For checkpoints; callers must not mutate it. */
  optimizerState(): OptState | Promise<OptState>;
  restore(params: Params, state: OptState): void | Promise<void>;
}
