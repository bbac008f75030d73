// What a run says when it ends, in the terminal (`tx train`) and in the page
// alike: one function, so the two never drift. Where they differ is where the
// run's files went: a folder (the terminal), or the page's download buttons.
// Finished runs are evaluated here, so both show the same numbers.
import { graphFlops } from '../codegen/plan.js';
import { fieldFigure, type Figure } from '../draw/fields.js';
import type { Evaluation } from '../train/evaluate.js';
import { evaluateEmulator, testSet } from '../train/evaluate.js';
import { evaluationText, trainedText, upwindText, type Timing } from '../train/report.js';
import { FIELDS_FILE, RUN_FILES } from '../train/run-files.js';
import type { TrainResult } from '../train/trainer.js';
import { upwindDistance, type UpwindDistance } from '../train/upwind.js';
import type { Run } from './run.js';
import { largestBatch } from '../data/windows.js';

export interface SummaryOptions {
  /** The spec's name as the user knows it. */
  file: string;
  device: string;
  /** The whole session, compiling included. */
  seconds: number;
  timing?: Timing;
  /** Steps a resumed run had trained before this session: not counted as trained now. */
  start?: number;
  /** The folder `tx train` wrote the run's files to; without one they are the page's downloads. */
  out?: string;
}

export interface Summary {
  /** A line each: `tx train`'s standard output, the page's summary. */
  lines: string[];
  /** A non-finite loss: what happened and a hint (`tx train`'s standard error, exit 1). */
  error?: string;
  /** Only for a run that finished. */
  evaluation?: Evaluation;
  /** The first test trajectory's rollout drawn, for states with two or more space axes (tx train's fields.svg, the page's canvas). */
  fields?: Figure;
  upwind?: UpwindDistance;
}

export function summary(run: Run, result: TrainResult, o: SummaryOptions): Summary {
  const ran = result.history.length - (o.start ?? 0);
  const lines = [trainedText(o.file, run.config, o.device, ran, o.seconds, o.timing ?? {}, graphFlops(run.graph, largestBatch(run.train.batch, run.plan.data.shape, run.plan.window, run.train.substack)))];
  const last = result.history.at(-1);
  if (last) lines.push(`loss ${last.loss.toExponential(4)} at step ${last.step} (epoch ${last.epoch})`);
  const outcome = result.outcome;
  if (outcome.status === 'interrupted') {
    const step = `at step ${result.checkpoint.step} of ${run.train.steps}`;
    lines.push(o.out ? `interrupted ${step}; checkpoint saved in ${o.out} (continue with --resume)` : `stopped ${step}; the parameters of that step can be downloaded`);
    return { lines };
  }
  if (outcome.status === 'nonfinite') {
    const kept = outcome.recovered ? `the parameters of step ${outcome.step - 1}, the last with a finite loss` : 'the parameters (no earlier ones exist)';
    const where = o.out ? `Saved ${kept}${outcome.recovered ? ',' : ''} in ${o.out}` : `Kept ${kept}`;
    return { lines, error: `error: the loss is ${outcome.loss} at step ${outcome.step}; training stopped. ${where}\n  hint: lower the learning rate (lr ${run.train.lr})` };
  }
  const { evaluation, fields } = evaluateEmulator(run.spec, result.checkpoint.params, testSet(run.spec.data!, run.dataset));
  const figure = fieldFigure(fields, `${o.file}: ${run.config.text}`);
  if (o.out) lines.push(`wrote ${o.out}/{${[...Object.values(RUN_FILES), ...(figure ? [FIELDS_FILE] : [])].join(', ')}}`);
  lines.push(evaluationText(evaluation));
  const upwind = upwindDistance(run.spec, result.checkpoint.params);
  if (upwind) lines.push(upwindText(upwind));
  return { lines, evaluation, ...(figure && { fields: figure }), ...(upwind && { upwind }) };
}
