// Evaluation during training (`eval every N`): the nRMSE of one step and of
// the rollout on the test set (evaluate.ts, the same numbers as the end of a
// run), a row of train-eval.csv each time, and which parameters were best so
// far. Not eval.csv: that name is `tx eval`'s, whose files go beside the
// parameters, into this same folder.
// Browser-safe: the files are written by eval-outputs.ts.
import type * as A from '../dsl/ast.js';
import type { Params } from '../runtime/params.js';
import { evaluateEmulator, type TestSet } from './evaluate.js';

export const EVAL_FILES = { log: 'train-eval.csv', best: 'params-best.safetensors' } as const;

export interface EvalRow {
  /** Updates applied before the evaluation. */
  step: number;
  /** The mean nRMSE at each evaluated rollout step (1 is the one-step error). */
  nrmse: { step: number; value: number }[];
  /** What "best" minimises: the mean of those, one step and rollout alike. */
  score: number;
}

export class PeriodicEval {
  private best: number;

  /** `rows`: those of the run this one resumes, up to its checkpoint. */
  constructor(
    private readonly spec: A.Spec,
    private readonly test: TestSet,
    readonly rows: EvalRow[] = [],
  ) {
    this.best = Math.min(Infinity, ...rows.map((r) => r.score).filter(Number.isFinite));
  }

  /** Evaluates `params` after `step` updates; `best`: the lowest score so far (a NaN score never is). */
  evaluate(step: number, params: Params): { row: EvalRow; best: boolean } {
    const { nrmse } = evaluateEmulator(this.spec, params, this.test).evaluation;
    const score = nrmse.length ? nrmse.reduce((a, r) => a + r.value, 0) / nrmse.length : NaN;
    const row = { step, nrmse, score };
    this.rows.push(row);
    const best = score < this.best;
    if (best) this.best = score;
    return { row, best };
  }
}

/** train-eval.csv: a row per evaluation, a column per rollout step, then the score. */
export function evalCsv(rows: readonly EvalRow[]): string {
  const steps = rows[0]?.nrmse.map((r) => r.step) ?? [];
  return `step,${steps.map((s) => `nrmse_${s},`).join('')}score\n` + rows.map((r) => `${r.step},${r.nrmse.map((x) => `${x.value},`).join('')}${r.score}\n`).join('');
}

/** The rows of a train-eval.csv up to step `upTo` (those a resumed run keeps); none where the text is not one. */
export function parseEvalCsv(text: string, upTo: number): EvalRow[] {
  const [head, ...lines] = text.trim().split('\n');
  const cols = head?.split(',') ?? [];
  if (cols[0] !== 'step' || cols.at(-1) !== 'score') return [];
  const steps = cols.slice(1, -1).map((c) => Number(c.replace('nrmse_', '')));
  return lines
    .map((l) => l.split(',').map(Number))
    .filter((v) => v.length === cols.length && v[0]! <= upTo)
    .map((v) => ({ step: v[0]!, nrmse: steps.map((step, j) => ({ step, value: v[j + 1]! })), score: v.at(-1)! }));
}

export function evalLine(r: EvalRow, best: boolean): string {
  const cells = r.nrmse.map((x) => `step ${x.step}: ${x.value.toExponential(3)}`).join('  ');
  return `eval at step ${r.step}: test nRMSE ${cells || '(trajectories too short)'}${best ? '  (best so far)' : ''}`;
}
