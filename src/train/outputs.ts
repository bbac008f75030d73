// A run's folder. Every file is written atomically (temporary file + rename),
// so a crash or Ctrl-C mid-write leaves the previous version, never a torn one;
// the checkpoint goes last, so it is never newer than the files beside it.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/diagnostics.js';
import type { ParamDecl } from '../passes/inline/network.js';
import type { Figure } from '../draw/fields.js';
import { readText } from '../util/files.js';
import { writeAtomic } from '../util/write.js';
import { checkpointFromJson, checkpointToJson } from './checkpoint.js';
import type { Evaluation } from './evaluate.js';
import type { OptState } from './optimizer.js';
import { fieldsSvg } from './fields-svg.js';
import { lossSvg } from './svg.js';
import type { Checkpoint, LossRecord } from './trainer.js';
import { FIELDS_FILE, RUN_FILES, resultFiles } from './run-files.js';

/** `history` may run one step past the checkpoint's (the loss of the saved parameters after a non-finite stop). */
export function writeRun(dir: string, c: Checkpoint, history: readonly LossRecord[], run: string, title: string): void {
  for (const f of resultFiles(c.params, history)) writeAtomic(join(dir, f.name), f.data);
  writeAtomic(join(dir, RUN_FILES.plot), lossSvg(history, title));
  writeAtomic(join(dir, RUN_FILES.checkpoint), checkpointToJson(c, run));
}

/**
 * `blockSteps`: the train block's steps, the horizon of a checkpoint that
 * does not record one; `optimizer`, when given, the kind the resuming run trains with.
 */
export function readCheckpoint(dir: string, run: string, decls: readonly ParamDecl[], blockSteps: number, optimizer?: OptState['kind']): Checkpoint {
  const path = join(dir, RUN_FILES.checkpoint);
  if (!existsSync(path)) throw new UserError(`--resume: there is no checkpoint in ${dir}`, 'run without --resume first, or point --out at the run to continue');
  return checkpointFromJson(readText(path), run, decls, path, blockSteps, optimizer);
}

/** A run starting or continuing makes the folder's evaluation (and its rollout's figure) stale until it finishes. */
export function clearEvaluation(dir: string): void {
  for (const f of [RUN_FILES.evaluation, FIELDS_FILE]) rmSync(join(dir, f), { force: true });
}

export function writeEvaluation(dir: string, e: Evaluation, fields: Figure | undefined): void {
  writeAtomic(join(dir, RUN_FILES.evaluation), JSON.stringify(e, null, 1) + '\n');
  if (fields) writeAtomic(join(dir, FIELDS_FILE), fieldsSvg(fields));
}
