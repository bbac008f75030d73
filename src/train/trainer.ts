// The training loop of Trainax's GeneralTrainer: sub-stacked windows visited
// by per-epoch permutations, one update per minibatch, the loss recorded for
// an update being the one computed before it. On top: checkpoints that resume
// to exactly the uninterrupted run, a stop at the first non-finite loss that
// keeps the last parameters whose loss was finite, a stop on request
// (Ctrl-C) between steps, and the parameters handed out every `evalEvery`
// steps for evaluation.
import type * as A from '../dsl/ast.js';
import type { Trajectories } from '../data/trajectories.js';
import { epochs, minibatches, windowCount } from '../data/windows.js';
import { UserError } from '../util/diagnostics.js';
import type { Params } from '../runtime/params.js';
import type { Norms, StepExecutor } from './executor.js';
import type { OptState } from './optimizer.js';
import { schedule } from './schedule.js';

/** `step` counts updates from 0; `epoch` from 0; `norms` where the executor reports them. */
export interface LossRecord {
  step: number;
  epoch: number;
  loss: number;
  norms?: Norms;
}

export interface Checkpoint {
  /** Updates applied so far: the step a resumed run starts with. */
  step: number;
  /**
   * The steps the learning-rate schedule spans: the first run's. A run
   * resumed with more steps keeps it, so its first `step` updates stay those
   * of the run it extends; past the horizon the rate holds its final value.
   */
  horizon: number;
  /** The steps the run was asked for: where a plain --resume continues to. */
  target: number;
  params: Params;
  optimizer: OptState;
  /** The losses of steps 0..step-1. */
  history: LossRecord[];
}

export interface TrainPlan {
  /** Training trajectories `[n, snapshots, ...state]`. */
  data: Trajectories;
  /** Snapshots per window the configuration reads. */
  window: number;
  train: Pick<A.TrainDecl, 'optimizer' | 'weightDecay' | 'clipNorm' | 'lr' | 'schedule' | 'warmupCosine' | 'steps' | 'batch' | 'seed' | 'substack'>;
}

export interface TrainHooks {
  onStep?(record: LossRecord, lr: number): void;
  /** A consistent snapshot every `checkpointEvery` steps (not at the end: the result has that one). */
  onCheckpoint?(c: Checkpoint): void | Promise<void>;
  checkpointEvery?: number;
  /** The parameters after every `evalEvery` updates (`step` of them), all losses before taken; the loop waits for it. */
  onEval?(step: number, params: Params): void | Promise<void>;
  evalEvery?: number;
  /** Polled before every step; the loop yields to the event loop often enough for a signal handler to set it. */
  stopRequested?(): boolean;
}

export type Outcome =
  | { status: 'done' }
  | { status: 'interrupted' }
  | Nonfinite;

/** `recovered`: the parameters went back to step - 1; false when no earlier state existed. */
type Nonfinite = { status: 'nonfinite'; step: number; loss: number; recovered: boolean };

export interface TrainResult {
  outcome: Outcome;
  /** What to save: the state the run ended in (for a non-finite loss, the last one with a finite loss). */
  checkpoint: Checkpoint;
  /** Every finite loss recorded, one more than the checkpoint's after a recovered non-finite stop. */
  history: LossRecord[];
}

/** How long the loop may run without letting signal handlers and I/O in. */
const YIELD_MS = 50;

export async function train(exec: StepExecutor, plan: TrainPlan, hooks: TrainHooks = {}, resume?: Checkpoint): Promise<TrainResult> {
  const t = plan.train;
  const samples = windowCount(plan.data.shape, plan.window, t.substack);
  const { perEpoch } = epochs(samples, t.batch, t.steps);
  const horizon = resume?.horizon ?? t.steps;
  const lrAt = schedule({ ...t, steps: horizon });
  const history: LossRecord[] = resume ? [...resume.history] : [];
  const start = resume?.step ?? 0;
  if (resume) {
    if (resume.step > t.steps) throw new UserError(`the checkpoint is at step ${resume.step}, past this run's ${t.steps} steps`);
    await exec.restore(resume.params, resume.optimizer);
  }
  const snapshot = async (step: number): Promise<Checkpoint> => ({
    step,
    horizon,
    target: t.steps,
    params: await exec.params(),
    optimizer: await exec.optimizerState(),
    history: history.slice(0, step),
  });
  const end = async (outcome: Outcome, step: number): Promise<TrainResult> => ({ outcome, checkpoint: await snapshot(step), history });

  // Losses arrive in step order, up to `exec.lag` steps behind the step
  // started last; `taken` steps have theirs recorded. The first non-finite
  // one ends the run, whatever was started behind it (the executor applied
  // none of those updates).
  let taken = start;
  let yielded = Date.now();
  const takeUntil = async (step: number): Promise<Nonfinite | undefined> => {
    for (; taken < step; taken++) {
      const loss = await exec.takeLoss();
      const norms = exec.takenNorms?.();
      if (!Number.isFinite(loss)) return { status: 'nonfinite', step: taken, loss, recovered: await exec.undo() };
      const record: LossRecord = { step: taken, epoch: Math.floor(taken / perEpoch), loss, ...(norms && { norms }) };
      history.push(record);
      hooks.onStep?.(record, lrAt(taken));
      if (Date.now() - yielded > YIELD_MS) {
        await new Promise((r) => setImmediate(r));
        yielded = Date.now();
      }
    }
  };
  const stopped = (o: Nonfinite) => end(o, o.recovered ? o.step - 1 : o.step);

  // The permutations depend only on how many minibatches were drawn, so
  // skipping `start` of them is the uninterrupted stream.
  const batches = minibatches(samples, t.batch, t.steps, t.seed);
  for (let i = 0; i < start; i++) batches.next();
  const every = hooks.checkpointEvery ?? Infinity;
  const evalEvery = hooks.evalEvery ?? Infinity;
  for (let step = start; step < t.steps; step++) {
    if (hooks.stopRequested?.()) {
      const bad = await takeUntil(step);
      return bad ? stopped(bad) : end({ status: 'interrupted' }, step);
    }
    exec.step(batches.next().value!, lrAt(step));
    const checkpoint = (step + 1) % every === 0 && step + 1 < t.steps;
    const evaluate = (step + 1) % evalEvery === 0;
    const bad = await takeUntil(checkpoint || evaluate ? step + 1 : step + 1 - exec.lag);
    if (bad) return stopped(bad);
    if (evaluate) await hooks.onEval?.(step + 1, await exec.params());
    if (checkpoint) await hooks.onCheckpoint?.(await snapshot(step + 1));
  }
  const bad = await takeUntil(t.steps);
  return bad ? stopped(bad) : end({ status: 'done' }, t.steps);
}
