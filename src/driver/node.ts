// The driver's Node-only part, kept out of the page's bundle: a spec's data
// file read from its path, and the checkpoint key's digest. `tx`, the bench
// and the tests start here; a page calls check.ts and run.ts with the file
// the user picked instead.
import { createHash } from 'node:crypto';
import { initialShapeProblem } from '../data/initial-states.js';
import type { Dataset } from '../data/dataset.js';
import { fileSnapshotShape, initialStatesShape, loadDataFile, loadDataset } from '../data/load.js';
import { UserError, diagnosticAt, hasErrors } from '../util/diagnostics.js';
import type * as A from '../dsl/ast.js';
import type { ChainProgram } from '../frontend.js';
import { checkSpec, type Checked } from './check.js';
import { Compilation } from './compile.js';
import { datasetOn, type DataDevice } from './data-device.js';
import { prepareRun, runIdentity, type Run, type RunOptions } from './run.js';

/**
 * checkSpec with the spec's data file, if it names one, read beside the spec
 * at `path`; a generator's `ic file` is checked against the grid from its
 * header, as a diagnostic at the setting.
 */
export function checkSource(source: string, path: string): Checked {
  const checked = checkSpec(source, path, fileSnapshotShape(path));
  const data = checked.spec.data;
  if (data?.kind !== 'generator' || !data.ic || hasErrors(checked.diagnostics)) return checked;
  let problem: { message: string; hint?: string } | undefined;
  try {
    problem = initialShapeProblem(data, initialStatesShape(data, path));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    problem = { message: e.message, ...(e.hint && { hint: e.hint }) };
  }
  if (!problem) return checked;
  return { ...checked, diagnostics: [...checked.diagnostics, diagnosticAt(path, data.ic.span, problem.message, problem.hint)], programs: [] };
}

/** loadDataset with a generator's steps on `device`. */
export function loadDatasetOn(data: A.DataDecl, specFile: string, device: DataDevice): Promise<Dataset> {
  return datasetOn(data, device, loadDataFile(data, specFile));
}

/** A run with the key its checkpoints are saved under. */
export interface KeyedRun extends Run {
  key: string;
}

/** prepareRun with the data read from disk (a data file relative to the spec), or `dataset` where the caller has it. */
export function loadRun(spec: A.Spec, program: ChainProgram, opts: RunOptions = {}, dataset = loadDataset(spec.data!, spec.file)): KeyedRun {
  const run = prepareRun(new Compilation(spec, program), dataset, opts);
  return { ...run, key: runKey(run) };
}

/** sha256 of the run's identity: a checkpoint resumes only the run it was saved from. */
function runKey(run: Run): string {
  return createHash('sha256').update(runIdentity(run)).digest('hex');
}
