// Where a training step runs. The trainer owns the schedule (which windows,
// which learning rate, when to stop or save); an executor owns the parameters
// and optimizer state and applies the updates. The CPU executor is the
// float64 reference and computes each step at once; the GPU executor queues
// steps on the device and reads their losses back a group at a time, so the
// trainer runs up to `lag` steps ahead of the losses it has seen.
import type { Trajectories } from '../data/trajectories.js';
import type { Params } from '../runtime/params.js';
import type { OptState } from './optimizer.js';

export type { OptState } from './optimizer.js';

/** The sub-stacked windows minibatches are drawn from; a window id indexes them as data/windows.ts does. */
export interface WindowSource {
  /** Training trajectories `[n, snapshots, ...state]`. */
  data: Trajectories;
  /** Snapshots per window. */
  window: number;
  substack: boolean;
}

/** A step's global l2 norms (optax.global_norm): its gradients' before any clip, and its parameters', those the loss was computed with. */
export interface Norms {
  grad: number;
  weight: number;
}

/** What a step reports: its loss, and its norms where the executor has them (the GPU's, where the step clips). */
export interface StepLoss {
  loss: number;
  norms?: Norms;
}

export interface StepExecutor {
  /** Steps the trainer may start beyond the oldest one whose loss it has not taken. */
  readonly lag: number;
  /** Starts one update on the windows `indices` with learning rate `lr`. */
  step(indices: readonly number[], lr: number): void;
  /**
   * The loss of the oldest started step whose loss was not taken yet,
   * computed BEFORE its update. When a loss is not finite its update is not
   * applied (its gradient is garbage), nor is any later one until `restore`:
   * the state stays the one that produced it, however many steps were
   * started behind it.
   */
  takeLoss(): number | Promise<number>;
  /** The norms of the step whose loss `takeLoss` gave last, where the executor has them. */
  takenNorms?(): Norms | undefined;
  /**
   * Takes back the latest applied update (one level deep): after a
   * non-finite loss at step s this returns the executor to the parameters of
   * step s - 1, the last ones whose loss was finite. False when there is none
   * to take back (no update applied since the start or the last `restore`).
   * Losses not taken are dropped.
   */
  undo(): boolean | Promise<boolean>;
  /** Current parameters, after every started step; callers must not mutate them. */
  params(): Params | Promise<Params>;
  /** For checkpoints; callers must not mutate it. */
  optimizerState(): OptState | Promise<OptState>;
  /** Losses not taken are dropped. */
  restore(params: Params, state: OptState): void | Promise<void>;
  /** The run is over: an ensemble's other members no longer wait for it (train/members.ts). */
  finish?(): void;
  /** Frees what the executor holds on a device; it is unusable after. */
  dispose?(): void;
  /**
   * Pipelines the device compiles before the first step ends (distinct WGSL
   * modules; lavapipe compiles each at its first dispatch). Absent on the CPU.
   */
  readonly kernels?: number;
  /** Losses come back this many steps at a time (1 when absent): the first arrives once that many steps ran. */
  readonly readback?: number;
}
