// A run on a device: its executor (the CPU's float64 reference or the
// compiled WGSL step) and the trainer's loop over it, as `tx train`, the page
// and the bench open it. Browser-safe.
import type { StepExecutor } from '../train/executor.js';
import { cpuExecutor, gpuEnsemble, gpuExecutor, type Device } from '../train/executors.js';
import type { Checkpoint, TrainHooks, TrainResult } from '../train/trainer.js';
import { train } from '../train/trainer.js';
import type { Run } from './run.js';

export interface Session {
  /** Its `kernels` and `readback` say what a GPU compiles before the first loss comes back. */
  readonly executor: StepExecutor;
  /** The trainer's loop over the run's schedule, from `resume` when given. */
  train(hooks?: TrainHooks, resume?: Checkpoint): Promise<TrainResult>;
  /** Frees what the executor holds on its device; the session is unusable after. */
  close(): void;
}

/** `gpu`: the device to run on (the bench's shared one); by default the adapter's (gpuDevice). */
export async function openSession(run: Run, device: Device, gpu?: GPUDevice): Promise<Session> {
  const executor: StepExecutor = device === 'gpu' ? await gpuExecutor(run, gpu) : cpuExecutor(run);
  return {
    executor,
    train(hooks = {}, resume) {
      ensureSetImmediate();
      return train(executor, run.plan, hooks, resume);
    },
    close: () => executor.dispose?.(),
  };
}

/**
 * Sessions of runs that differ only in their seeds (RunOptions.seedOffset),
 * trained at once: on the GPU one program steps every run's emulator
 * (codegen/members.ts), each session's loop driving its member; on the CPU
 * each run has its own float64 executor. Train them concurrently
 * (Promise.all): a GPU member's loop waits for the others at every step.
 */
export async function openEnsemble(runs: readonly Run[], device: Device, gpu?: GPUDevice): Promise<Session[]> {
  const executors: StepExecutor[] = device === 'gpu' ? await gpuEnsemble(runs, gpu) : runs.map((r) => cpuExecutor(r));
  return executors.map((executor, m) => ({
    executor,
    async train(hooks = {}, resume) {
      ensureSetImmediate();
      try {
        return await train(executor, runs[m]!.plan, hooks, resume);
      } finally {
        // Its member steps no more: the others must not wait for it.
        executor.finish?.();
      }
    },
    close: () => executor.dispose?.(),
  }));
}

/** The trainer's loop yields with setImmediate (Node's); a page has none, so it gets one made of a MessageChannel. */
function ensureSetImmediate(): void {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return;
  const ch = new MessageChannel();
  const queue: (() => void)[] = [];
  ch.port1.onmessage = () => queue.shift()?.();
  g.setImmediate = (f: () => void) => {
    queue.push(f);
    ch.port2.postMessage(0);
  };
}
