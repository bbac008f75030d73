// Seeds trained together: runs of one spec that differ only in their seeds
// (RunOptions.seedOffset) go through one GPU program (codegen/members.ts)
// where they can. Members must start from the same step, as the step's
// uniform holds one learning rate and one Adam count for all: runs resumed
// from checkpoints at different steps train in separate groups. A group too
// large for the device (its arena beyond the buffer or binding limits) is
// halved until it fits. Browser-safe.
import type { Device } from '../train/executors.js';
import type { Checkpoint, TrainHooks, TrainResult } from '../train/trainer.js';
import { UserError } from '../util/diagnostics.js';
import type { Run } from './run.js';
import { openEnsemble, type Session } from './session.js';

export interface SeedsOptions {
  /** Member m's hooks (its run is `runs[m]`). */
  hooks?(m: number): TrainHooks;
  /** Member m's checkpoint to resume from, if any. */
  resume?: readonly (Checkpoint | undefined)[];
  /** The device to run on (the bench's shared one); by default the adapter's. */
  gpu?: GPUDevice;
  /** Called when a group's program is ready, before it trains: its members, their sessions. */
  onGroup?(members: readonly number[], sessions: readonly Session[]): void;
  /** Called when a group has trained. */
  onGroupDone?(members: readonly number[]): void;
}

/** Trains every run, as many at once as fit one program; the results in the runs' order. */
export async function trainSeeds(runs: readonly Run[], device: Device, o: SeedsOptions = {}): Promise<TrainResult[]> {
  const results: TrainResult[] = [];
  for (const group of byStart(runs, o.resume)) await trainGroup(group, runs, device, o, results);
  return results;
}

/** Members grouped by the step they start from, in order. */
function byStart(runs: readonly Run[], resume: SeedsOptions['resume']): number[][] {
  const groups = new Map<number, number[]>();
  runs.forEach((_, m) => {
    const step = resume?.[m]?.step ?? 0;
    groups.set(step, [...(groups.get(step) ?? []), m]);
  });
  return [...groups.values()];
}

async function trainGroup(members: readonly number[], runs: readonly Run[], device: Device, o: SeedsOptions, results: TrainResult[]): Promise<void> {
  let sessions: Session[];
  try {
    sessions = await openEnsemble(
      members.map((m) => runs[m]!),
      device,
      o.gpu,
    );
  } catch (e) {
    // Too many members for one program: halves, one after the other.
    if (!(e instanceof UserError) || members.length === 1) throw e;
    const half = Math.ceil(members.length / 2);
    await trainGroup(members.slice(0, half), runs, device, o, results);
    await trainGroup(members.slice(half), runs, device, o, results);
    return;
  }
  try {
    o.onGroup?.(members, sessions);
    const done = await Promise.all(sessions.map((s, j) => s.train(o.hooks?.(members[j]!) ?? {}, o.resume?.[members[j]!])));
    done.forEach((r, j) => (results[members[j]!] = r));
    o.onGroupDone?.(members);
  } finally {
    for (const s of sessions) s.close();
  }
}
