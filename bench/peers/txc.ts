// txc as a peer: the workload's spec compiled into txc's GPU training step,
// opened as `tx train` opens it (src/driver/session.ts) and driven through
// its `StepExecutor` interface (src/train/executor.ts): `GpuExecutor` keeps
// the training trajectories, the parameters and the Adam moments on the
// device and runs each step as one command buffer (gather the minibatch by
// window ids, forward, backward, Adam), copying the loss into a read-back
// group of LOSS_GROUP steps.
//
// Step i trains on the window ids `w.indices[i]` — the same minibatches the
// other peers get as arrays. A read of one loss maps the open group early
// (the synchronous mode); a read of ten takes one mapped group.
import type { Session } from '../../src/driver/session.js';
import { openSession } from '../../src/driver/session.js';
import type { StepExecutor } from '../../src/train/executor.js';
import { LOSS_GROUP } from '../../src/runtime/gpu/train-program.js';
import { gpuDevice } from '../../src/runtime/gpu/device.js';
import { UserError } from '../../src/util/diagnostics.js';
import type { Peer, Run } from '../peer.js';
import { Unavailable } from '../peer.js';
import type { Workload } from '../workloads.js';

export function txcPeer(): Peer {
  return {
    name: 'txc',
    device: 'webgpu',
    gpu: true,
    async prepare(w) {
      let device: GPUDevice;
      try {
        device = await gpuDevice();
      } catch (e) {
        throw new Unavailable(`txc: ${(e as Error).message}`);
      }
      let session: Session;
      try {
        session = await openSession(w.run, 'gpu', device);
      } catch (e) {
        // A run txc refuses on this device (a buffer over the adapter's limit, say): its own words.
        if (e instanceof UserError) throw new Unavailable(`txc: ${e.message}`);
        throw e;
      }
      return executorRun(session.executor, w, [
        `txc: GpuExecutor (src/train/gpu-executor.ts): trajectories, parameters and Adam state resident; one command buffer per step (gather, forward, backward, Adam); losses mapped in groups of ${LOSS_GROUP}`,
      ]);
    },
  };
}

/**
 * Any StepExecutor as a Run. Losses come back in step order (takeLoss), so a
 * handle is the step's number and `read` takes the losses in that order. The
 * harness starts at most `--every` steps before reading them, which must not
 * exceed the executor's `lag` (0 means unlimited: the CPU executor computes
 * each step at once).
 */
export function executorRun(exec: StepExecutor, w: Workload, notes: string[]): Run<number> {
  let started = 0;
  let taken = 0;
  return {
    notes,
    step(i) {
      if (exec.lag > 0 && started - taken >= exec.lag) throw new Error(`the harness ran more than ${exec.lag} steps ahead of the losses`);
      exec.step(w.indices[i % w.indices.length]!, w.lr);
      return started++;
    },
    async read(handles) {
      const out: number[] = [];
      for (const h of handles) {
        if (h !== taken) throw new Error('internal: losses are read in step order');
        out.push(await exec.takeLoss());
        taken++;
      }
      return out;
    },
    dispose() {
      exec.dispose?.();
    },
  };
}
