// Several seeds of one spec trained together (driver/ensemble.ts) behind one
// progress display per program; Ctrl-C (or SIGTERM) stops every member between steps,
// each saving what it has, as one run's does.
import type { Run } from '../driver/run.js';
import { onStopSignal } from './signals.js';
import { trainSeeds } from '../driver/ensemble.js';
import type { Device } from '../train/executors.js';
import { progress, type Progress } from '../train/progress.js';
import type { Timing } from '../train/report.js';
import type { Checkpoint, TrainHooks, TrainResult } from '../train/trainer.js';

/** `seeds 0-4` for members 0 .. 4. */
export function seedsLabel(members: readonly number[]): string {
  return members.length === 1 ? `seed ${members[0]}` : `seeds ${members[0]}-${members.at(-1)}`;
}

export interface SeedsProgressOptions {
  /** What the display calls a group of members (their indices into the runs). */
  label(members: readonly number[]): string;
  hooks?(m: number): TrainHooks;
  resume?: readonly (Checkpoint | undefined)[];
}

/** The runs' results in their order, each with its program's timing. */
export async function trainSeedsWithProgress(runs: readonly Run[], device: Device, o: SeedsProgressOptions): Promise<(TrainResult & { timing: Timing })[]> {
  let stop = false;
  const release = onStopSignal(() => (stop = true));
  const timings: Timing[] = [];
  let bar: Progress | undefined;
  let done = 0;
  try {
    const results = await trainSeeds(runs, device, {
      ...(o.resume && { resume: o.resume }),
      onGroup(members, sessions) {
        const start = o.resume?.[members[0]!]?.step ?? 0;
        bar = progress(runs[members[0]!]!.train.steps, start, o.label(members));
        done = start;
        const { kernels, readback } = sessions[0]!.executor;
        if (kernels) bar.compiling(kernels, readback);
      },
      onGroupDone(members) {
        const t = bar!.stop();
        for (const m of members) timings[m] = t;
      },
      hooks: (m) => {
        const h = o.hooks?.(m) ?? {};
        return {
          ...h,
          onStep(r, lr) {
            h.onStep?.(r, lr);
            // The members move in lockstep: the display follows the one furthest on.
            if (r.step + 1 > done) bar!.update((done = r.step + 1), r);
          },
          stopRequested: () => stop || (h.stopRequested?.() ?? false),
        };
      },
    });
    return results.map((r, m) => ({ ...r, timing: timings[m]! }));
  } finally {
    bar?.stop();
    release();
  }
}
