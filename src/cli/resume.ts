// What `tx train --resume` may do with a checkpoint, the same for one run and
// for each seed of several: finish the run as it was asked for, extend it, or
// refuse where extending would train nothing.
import { withSteps, type Run } from '../driver/run.js';
import { finalRate } from '../train/schedule.js';
import type { Checkpoint } from '../train/trainer.js';
import { UserError } from '../util/diagnostics.js';

/** The run to resume: a plain --resume (no --steps) finishes the run as it was asked for, its --steps included. */
export function resumedRun<R extends Run>(run: R, c: Checkpoint, steps: number | undefined): R {
  return steps === undefined && c.target !== run.train.steps ? withSteps(run, c.target) : run;
}

/**
 * Whether the run in `out` has trained all its steps already (nothing to
 * do), and a note where it extends a schedule past its horizon; a request
 * that cannot be met is a UserError. Past the first run's steps the schedule
 * holds its final rate: cosine's is 0 (warmup_cosine's where it ends at 0),
 * so extending it would train nothing.
 */
export function resumeCheck(c: Checkpoint, run: Run, out: string): { done: boolean; note?: string } {
  const { steps, schedule } = run.train;
  if (c.step > steps)
    throw new UserError(
      `--resume: the run in ${out} has trained ${c.step} steps, more than the ${steps} asked for (by --steps, else the train block)`,
      `to extend it, ask for more: --resume --steps N with N > ${c.step}`,
    );
  if (c.step === steps) return { done: true };
  const final = finalRate({ ...run.train, steps: c.horizon });
  if (steps > c.horizon && final === 0)
    throw new UserError(
      `--resume --steps ${steps}: the ${schedule} schedule spans the first run's ${c.horizon} steps, and its learning rate is 0 past them`,
      `steps past ${c.horizon} would not change the parameters; ${c.step < c.horizon ? `finish with --resume --steps ${c.horizon}, or ` : ''}start a new run with --steps ${steps}`,
    );
  const extended = steps > c.horizon && schedule !== 'constant';
  return { done: false, ...(extended && { note: `note: the ${schedule} schedule spans the first run's ${c.horizon} steps; past them the learning rate stays at ${final}` }) };
}
