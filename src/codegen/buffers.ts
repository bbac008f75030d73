// The buffers of a step program. Those whose size the user's configuration
// decides (the arena grows with the batch and the rollout, the trajectories
// with the data) are checked against the target's limit when the step is
// compiled, so an oversized run fails with what to change, before anything
// is allocated, instead of with a driver error.
import type { Target } from '../ir/target.js';
import { bufferLimit } from '../ir/target.js';
import { UserError } from '../util/diagnostics.js';

export type BufferName = 'arena' | 'uniform' | 'state' | 'trajectories' | 'windows' | 'offsets';

export interface StepBuffer {
  name: BufferName;
  binding: number;
  /** How the kernels bind it. */
  type: 'storage' | 'read-only-storage' | 'uniform';
  /** A multiple of 4, at least 4. */
  bytes: number;
  /** What it holds, in a user's words and in the plural: "the training trajectories". */
  what: string;
  /** What to change when it does not fit. */
  hint?: string;
  /** Bytes one binding sees, at a dynamic offset per dispatch (the offsets); absent where the binding is the whole buffer. */
  window?: number;
  /** Its contents, where the compiler knows them (the offsets). */
  contents?: Uint32Array<ArrayBuffer>;
}

/** A buffer of `bytes`, rounded up to whole floats. */
export function sized(b: Omit<StepBuffer, 'bytes'>, bytes: number): StepBuffer {
  return { ...b, bytes: Math.max(4, Math.ceil(bytes / 4) * 4) };
}

/** Whether a buffer fits the target: each is bound whole as one binding, so that limit applies too. */
export function fits(target: Target, b: StepBuffer): boolean {
  return b.bytes <= bufferLimit(target);
}

/** Throws unless the buffer fits. */
export function checkFits(target: Target, b: StepBuffer): void {
  if (!fits(target, b)) throw new UserError(`${b.what} take ${mib(b.bytes)} MiB, more than the ${mib(bufferLimit(target))} MiB the GPU allows in one buffer`, b.hint);
}

export function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
