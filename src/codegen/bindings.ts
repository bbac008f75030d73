// The buffers of a step program and the bindings its kernels see them
// through. One bind group, set once, serves the whole step: the arena (0)
// and the uniform (1), whose first field is the batch `B` the kernels read,
// then, in training, what the minibatch gather and the optimizer need, and
// the dispatches' offsets (5). Buffers whose size the user's configuration
// decides (the arena grows with the batch and the rollout, the trajectories
// with the data) are checked against the target's limit when the step is
// compiled, so an oversized run fails with what to change, before anything
// is allocated, instead of with a driver error.
import type { Target } from '../ir/target.js';
import { bufferLimit } from '../ir/target.js';
import { UserError } from '../util/diagnostics.js';
import type { DataLayout } from './gather.js';
import type { OptimizerPlan } from './optimizer.js';
import { memberStateFloats } from './optimizer.js';
import type { Binding } from '../wgsl/bindings.js';
import { ARENA, bankBinding, MAX_OFFSETS, OFFSETS, STATE, STEP_UNIFORM_BYTES, TRAJECTORIES, UNIFORM, WINDOWS } from '../wgsl/bindings.js';
import type { Memory } from './memory.js';

/** Bytes before `state.values`: the `halted` flag, one per member of an ensemble. */
export function stateHeader(members: number): number {
  return 4 * members;
}

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

export type BufferName = 'arena' | `arena${number}` | 'uniform' | 'state' | 'trajectories' | 'windows' | 'offsets';

/** A buffer of the step, under the binding its kernels declare (wgsl/bindings.ts). */
export interface StepBuffer extends Binding {
  name: BufferName;
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
  /** The bytes of the buffer its binding sees, where not the whole: an arena bank. */
  range?: { offset: number; bytes: number };
  /** A bank past the first: the buffer whose range it binds, which is created once, under that name. */
  of?: BufferName;
}

/**
 * The one buffer of every value of a step, as codegen laid it out for
 * `maxBatch`: bound whole, or, where its values take several banks
 * (memory.ts), its first bank under the arena's binding and each further
 * bank under one of its own.
 */
export function arenaBuffers(mem: Memory, maxBatch: number): StepBuffer[] {
  const E = mem.members;
  const hint = `use a smaller batch, a shorter rollout, or cut_bptt to shorten what backpropagation keeps${E > 1 ? '; or train fewer seeds in one program' : ''}`;
  const what = `the values of a step at batch ${maxBatch}${E > 1 ? ` for ${E} members` : ''}`;
  const arena = sized({ name: 'arena', ...ARENA, what, hint }, E * mem.floats * 4);
  if (mem.banks.length === 1) return [arena];
  // Each bank holds every member's copy of it (memory.ts).
  const range = (k: number) => ({ offset: E * mem.banks[k]!.base * 4, bytes: E * mem.banks[k]!.floats * 4 });
  return [
    { ...arena, range: range(0) },
    ...mem.banks.slice(1).map((_, j): StepBuffer => {
      const k = j + 1;
      return { name: `arena${k}`, ...bankBinding(k), what: `bank ${k} of the arena`, bytes: range(k).bytes, range: range(k), of: 'arena' };
    }),
  ];
}

export function uniformBuffer(): StepBuffer {
  return sized({ name: 'uniform', ...UNIFORM, what: "the step's uniform" }, STEP_UNIFORM_BYTES);
}

/** The parameters and the optimizer's state (stateRegions) after the header, then the step's norms where it computes them; each member's in turn. */
export function stateBuffer(o: OptimizerPlan): StepBuffer {
  const bytes = stateHeader(o.members) + o.members * memberStateFloats(o) * 4;
  return sized({ name: 'state', ...STATE, what: `the parameters and the ${o.kind} state`, hint: 'use a smaller emulator' }, bytes);
}

export function trajectoriesBuffer(d: DataLayout): StepBuffer {
  const hint = 'train on fewer or shorter trajectories (hold some out with test_trajectories), or in float64 on the CPU with --device cpu';
  return sized({ name: 'trajectories', ...TRAJECTORIES, what: 'the training trajectories', hint }, d.trajectories * d.snapshots * d.stateSize * 4);
}

/** Each member's `maxBatch` window ids in turn. */
export function windowsBuffer(maxBatch: number, members: number): StepBuffer {
  return sized({ name: 'windows', ...WINDOWS, what: "the minibatch's window ids", hint: 'use a smaller batch' }, members * maxBatch * 4);
}

/** Every dispatch's arena offsets, a window of MAX_OFFSETS at a dynamic offset per dispatch. */
export function offsetsBuffer(table: Uint32Array<ArrayBuffer>): StepBuffer {
  return { name: 'offsets', ...OFFSETS, what: "the dispatches' arena offsets", bytes: table.byteLength, window: MAX_OFFSETS * 4, contents: table };
}

function sized(b: Omit<StepBuffer, 'bytes'>, bytes: number): StepBuffer {
  return { ...b, bytes: Math.max(4, Math.ceil(bytes / 4) * 4) };
}

/** The most bytes a buffer may take: one bound through banks is limited by the buffer size alone, one bound whole by the binding's too. */
function limit(target: Target, b: StepBuffer): number {
  return b.range ? target.limits.maxBufferSize : bufferLimit(target);
}

/** Whether a buffer fits the target (a bank is within the buffer it views, and its binding, by construction). */
export function fits(target: Target, b: StepBuffer): boolean {
  return b.of !== undefined || b.bytes <= limit(target, b);
}

/** Throws unless the buffer fits. */
export function checkFits(target: Target, b: StepBuffer): void {
  if (!fits(target, b)) throw new UserError(`${b.what} take ${mib(b.bytes)} MiB, more than the ${mib(limit(target, b))} MiB the GPU allows in one buffer`, b.hint);
}

/** Throws unless the kernels may see every storage binding of the step: the arena's banks are the ones that add up. */
export function checkStorageBindings(target: Target, buffers: readonly StepBuffer[]): void {
  const storage = buffers.filter((b) => b.type !== 'uniform').length;
  const most = target.limits.maxStorageBuffersPerShaderStage;
  if (storage > most)
    throw new UserError(
      `the values of a step take ${buffers.filter((b) => b.name.startsWith('arena')).length} banks of the arena, and with the step's other buffers ${storage} storage bindings, more than the ${most} a kernel may see on this GPU`,
      'use a smaller batch, a shorter rollout, or cut_bptt to shorten what backpropagation keeps',
    );
}

export function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
