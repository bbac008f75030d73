// The learning-rate schedules of a `train` block, in float64, as optax's
// *_schedule functions compute them. The host evaluates them once per step
// and hands the rate to either executor, so the GPU needs no schedule code.
import type * as A from '../dsl/ast.js';
import { UserError } from '../util/diagnostics.js';

/**
 * The exponential schedule's decay over the whole run: the learning rate falls
 * to 1/100 of its start at the end of the run (optax.exponential_decay with
 * transition_steps = steps, decay_rate 0.01). The `train` block has no option
 * for it; two decades is what step-decay recipes reach over a run (e.g. 0.1
 * twice), without cosine's drop to exactly 0.
 */
export const EXPONENTIAL_FINAL_FACTOR = 0.01;

export type ScheduleOf = Pick<A.TrainDecl, 'lr' | 'schedule' | 'steps' | 'warmupCosine'>;

/**
 * The learning rate of update `step` (0 for the first), as optax's
 * schedule(count), over a horizon of `steps` updates. Past the horizon (a
 * resumed run extended beyond its first run's steps) every schedule holds the
 * value it reached at the horizon: cosine 0, exponential lr/100, warmup_cosine
 * its end.
 */
export function schedule(train: ScheduleOf): (step: number) => number {
  const { lr, steps } = train;
  switch (train.schedule) {
    case 'constant':
      return () => lr;
    case 'cosine':
      // optax.cosine_decay_schedule(lr, decay_steps=steps, alpha=0, exponent=1).
      return (step) => {
        const t = Math.min(step, steps);
        return lr * (0.5 * (1 + Math.cos((Math.PI * t) / steps)));
      };
    case 'exponential':
      // optax.exponential_decay(lr, transition_steps=steps, decay_rate,
      // end_value=lr*decay_rate), not staircase: held from the horizon on.
      return (step) => lr * EXPONENTIAL_FINAL_FACTOR ** (Math.min(step, steps) / steps);
    case 'warmup_cosine':
      return warmupCosine(lr, steps, train.warmupCosine);
    default:
      return train.schedule satisfies never;
  }
}

/**
 * optax.warmup_cosine_decay_schedule(init, peak = lr, warmup, decay_steps =
 * steps, end): join_schedules of linear_schedule(init, peak, warmup) and,
 * from step `warmup` on, cosine_decay_schedule(peak, steps - warmup, alpha =
 * end / peak) counted from the boundary.
 */
function warmupCosine(peak: number, steps: number, o: A.TrainDecl['warmupCosine']): (step: number) => number {
  if (!o) throw new Error('internal: a warmup_cosine schedule without its options');
  const { warmup, init, end } = o;
  // The checker saw the train block's steps; --steps may ask for fewer.
  if (warmup >= steps)
    throw new UserError(`the warmup_cosine schedule warms up over ${warmup} steps, but the run has ${steps}: its cosine would decay over none`, `ask for more than ${warmup} steps, or shorten the warm-up`);
  const decay = steps - warmup;
  const alpha = end / peak;
  return (step) => {
    if (step < warmup) return init + ((peak - init) * step) / warmup;
    const t = Math.min(step - warmup, decay);
    return peak * ((1 - alpha) * (0.5 * (1 + Math.cos((Math.PI * t) / decay))) + alpha);
  };
}

/** The rate a schedule holds past its horizon: a run extended there trains only where it is not 0. */
export function finalRate(train: ScheduleOf): number {
  return schedule(train)(train.steps);
}
