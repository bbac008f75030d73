// The training loop of Trainax's GeneralTrainer: sub-stacked windows visited
// by per-epoch permutations, one update per minibatch, the loss recorded for
// an update being the one computed before it. On top: checkpoints that resume
// to exactly the uninterrupted run, a stop at the first non-finite loss that
// keeps the last parameters whose loss was finite, and a stop on request
// (Ctrl-C) between steps.
import type * as A from '../dsl/ast.js';
import type { Trajectories } from '../data/trajectories.js';
import { epochs, gatherWindows, minibatches, windowCount } from '../data/windows.js';
import { UserError } from '../dsl/diagnostics.js';
import type { Params } from '../runtime/params.js';
import type { StepExecutor } from './executor.js';
import type { OptState } from './optimizer.js';
import { schedule } from './optimizer.js';

/** `step` counts updates from 0; `epoch` from 0. */
export interface LossRecord {
  step: number;
  epoch: number;
  loss: number;
}

export interface Checkpoint {
  /** Updates applied so far: the step a resumed run starts with. */
  step: number;
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
  train: Pick<A.TrainDecl, 'lr' | 'schedule' | 'steps' | 'batch' | 'seed' | 'substack'>;
}

export interface TrainHooks {
  onStep?(record: LossRecord, lr: number): void;
  /** A consistent snapshot every `checkpointEvery` steps (not at the end: the result has that one). */
  onCheckpoint?(c: Checkpoint): void | Promise<void>;
  checkpointEvery?: number;
  /** Polled before every step; the loop yields to the event loop often enough for a signal handler to set it. */
  stopRequested?(): boolean;
}

export type Outcome =
  | { status: 'done' }
  | { status: 'interrupted' }
  /** `recovered`: the parameters went back to step - 1; false when no earlier state existed. */
  | { status: 'nonfinite'; step: number; loss: number; recovered: boolean };

export interface TrainResult {
  outcome: Outcome;
  /** What to save: the state the run ended in (for a non-finite loss, the last one with a finite loss). */
  checkpoint: Checkpoint;
  /** Every finite loss recorded, one more than the checkpoint's after a recovered non-finite stop. */
  history: LossRecord[];
}

/** How long the loop may run synchronous steps before letting signal handlers and I/O in. */
const YIELD_MS = 50;

export async function train(exec: StepExecutor, plan: TrainPlan, hooks: TrainHooks = {}, resume?: Checkpoint): Promise<TrainResult> {
  const t = plan.train;
  const samples = windowCount(plan.data.shape, plan.window, t.substack);
  const { perEpoch } = epochs(samples, t.batch, t.steps);
  const lrAt = schedule(t);
  const history: LossRecord[] = resume ? [...resume.history] : [];
  const start = resume?.step ?? 0;
  if (resume) {
    if (resume.step > t.steps) throw new UserError(`the checkpoint is at step ${resume.step}, past this run's ${t.steps} steps`);
    await exec.restore(resume.params, resume.optimizer);
  }
  const snapshot = async (step: number): Promise<Checkpoint> => ({
    step,
    params: await exec.params(),
    optimizer: await exec.optimizerState(),
    history: history.slice(0, step),
  });
  const end = async (outcome: Outcome, step: number): Promise<TrainResult> => ({ outcome, checkpoint: await snapshot(step), history });

  // The permutations depend only on how many minibatches were drawn, so
  // skipping `start` of them (without gathering) is the uninterrupted stream.
  const batches = minibatches(samples, t.batch, t.steps, t.seed);
  for (let i = 0; i < start; i++) batches.next();
  const gather = (idx: number[]) => gatherWindows(plan.data, idx, plan.window, t.substack);
  let windows = start < t.steps ? gather(batches.next().value!) : undefined;
  const every = hooks.checkpointEvery ?? Infinity;
  let yielded = Date.now();
  for (let step = start; step < t.steps; step++) {
    if (hooks.stopRequested?.()) return end({ status: 'interrupted' }, step);
    const lr = lrAt(step);
    const pending = exec.step(windows!, lr);
    // Gathered while an asynchronous executor computes.
    if (step + 1 < t.steps) windows = gather(batches.next().value!);
    const loss = await pending;
    if (!Number.isFinite(loss)) {
      const recovered = await exec.undo();
      return end({ status: 'nonfinite', step, loss, recovered }, recovered ? step - 1 : step);
    }
    const record = { step, epoch: Math.floor(step / perEpoch), loss };
    history.push(record);
    hooks.onStep?.(record, lr);
    if ((step + 1) % every === 0 && step + 1 < t.steps) await hooks.onCheckpoint?.(await snapshot(step + 1));
    if (Date.now() - yielded > YIELD_MS) {
      await new Promise((r) => setImmediate(r));
      yielded = Date.now();
    }
  }
  return end({ status: 'done' }, t.steps);
}
