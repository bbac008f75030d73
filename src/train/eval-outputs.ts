// The files of evaluation during training, in a run's folder: train-eval.csv
// after every evaluation and params-best.safetensors whenever the parameters
// beat the best so far, each written atomically as the run's other files.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as A from '../dsl/ast.js';
import type { Params } from '../runtime/params.js';
import { readText } from '../util/files.js';
import { writeAtomic } from '../util/write.js';
import type { TestSet } from './evaluate.js';
import { EVAL_FILES, evalCsv, evalLine, parseEvalCsv, PeriodicEval } from './periodic-eval.js';
import { safetensors } from './safetensors.js';

/** A fresh run in a used folder must not show an earlier run's log or best parameters as its own. */
export function clearEvalFiles(dir: string): void {
  for (const f of Object.values(EVAL_FILES)) rmSync(join(dir, f), { force: true });
}

/**
 * Where txc before train-eval.csv logged these rows. A run from then resumes
 * with its history (and so its best score, which params-best.safetensors must
 * not lose to a worse one); a `tx eval` table there is no log and reads as none.
 */
const OLD_LOG = 'eval.csv';

/** What `onEval` does in `tx train`: evaluate, log, keep the best. `resumeStep`: the checkpoint's step a resumed run continues from. */
export function evalInFolder(dir: string, spec: A.Spec, test: TestSet, log: (line: string) => void, resumeStep?: number): (step: number, params: Params) => void {
  const path = join(dir, EVAL_FILES.log);
  const from = [path, join(dir, OLD_LOG)].find((p) => existsSync(p));
  const kept = resumeStep !== undefined && from ? parseEvalCsv(readText(from), resumeStep) : [];
  const evals = new PeriodicEval(spec, test, kept);
  return (step, params) => {
    const { row, best } = evals.evaluate(step, params);
    if (best) writeAtomic(join(dir, EVAL_FILES.best), safetensors(params));
    writeAtomic(path, evalCsv(evals.rows));
    log(evalLine(row, best));
  };
}
