// The bindings every kernel of a training step shares, so that one bind
// group, set once, serves the whole step: the arena (0) and uniform (1),
// whose first field is the batch `B` the kernels read, then what the
// minibatch gather and the optimizer need, and the dispatches' offsets (5).
// The step program lists the buffers behind them (step.ts, StepBuffer).
import { KERNEL_DECLS, STEP_UNIFORM_BYTES } from './wgsl.js';

/** Declarations for every kernel of a training step. */
export const TRAIN_DECLS = `${KERNEL_DECLS}// A non-finite loss sets \`halted\`: from then on no update is applied.
struct OptimizerState { halted: atomic<u32>, values: array<f32> }
@group(0) @binding(2) var<storage, read_write> state: OptimizerState;
@group(0) @binding(3) var<storage, read> trajectories: array<f32>;
@group(0) @binding(4) var<storage, read> windows: array<u32>;
`;

/** Bytes before `state.values`. */
export const STATE_HEADER = 4;

/** The `Step` uniform: batch, learning rate, Adam's bias corrections 1 - b^count, and `z` = 0 (the buffer starts zeroed). */
export function stepUniform(batch: number, lr: number, c1: number, c2: number): ArrayBuffer {
  const buf = new ArrayBuffer(STEP_UNIFORM_BYTES);
  const view = new DataView(buf);
  view.setUint32(0, batch, true);
  view.setFloat32(4, lr, true);
  view.setFloat32(8, c1, true);
  view.setFloat32(12, c2, true);
  return buf;
}
