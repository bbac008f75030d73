// One cell's seeds: each trained as `tx train` would (its files and
// checkpoints in its own folder, resumed from its checkpoint), then rolled out
// and scored as `tx eval` would, and its result written last. The seeds run
// one after another behind `runSeeds`, the boundary a compiled ensemble of a
// cell's seeds will replace.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as A from '../../dsl/ast.js';
import { fileSnapshotShape, loadDataset } from '../../data/load.js';
import { loadRun, type KeyedRun } from '../../driver/node.js';
import { checkParsed, snapshotShape } from '../../frontend.js';
import { parseMetric } from '../../math/metrics.js';
import type { Params } from '../../runtime/params.js';
import { evalFiles } from '../../train/eval-report.js';
import type { Device } from '../../train/executors.js';
import { readCheckpoint, writeRun } from '../../train/outputs.js';
import { stateKind } from '../../train/optimizer.js';
import { evaluateRollout } from '../../train/rollout-eval.js';
import { openStepper } from '../../train/rollout.js';
import { RUN_FILES } from '../../train/run-files.js';
import { seedDir, writeSeed } from '../../train/study-folder.js';
import type { SeedResult } from '../../train/study-table.js';
import { checkLength, testLevels } from '../../train/test-levels.js';
import type { Checkpoint } from '../../train/trainer.js';
import { UserError } from '../../util/diagnostics.js';
import { lockFolder } from '../../util/lock.js';
import { writeAtomic } from '../io.js';
import { trainWithProgress } from '../commands/train.js';

export interface SeedOptions {
  /** The spec's path: a data file is read beside it. */
  file: string;
  out: string;
  study: A.StudyDecl;
  device: Device;
  evalDevice: Device;
  checkpointEvery: number;
  /** For the progress bar: `cell 3/8`. */
  label: string;
}

/** Runs `seeds` of `cell`; 'interrupted' as soon as one is stopped (its checkpoint saved). */
export async function runSeeds(cell: A.StudyCell, seeds: readonly number[], o: SeedOptions): Promise<'finished' | 'interrupted'> {
  for (const seed of seeds) {
    const dir = seedDir(o.out, cell, seed);
    const release = lockFolder(dir, `tx study ${o.file} (${cell.name}, seed ${seed})`);
    try {
      const r = await runSeed(cell, seed, dir, o);
      if (r === 'interrupted') return r;
      writeSeed(dir, r);
      if (r.status === 'failed') process.stderr.write(`${cell.name} seed ${seed} failed: ${r.message}\n`);
    } finally {
      release();
    }
  }
  return 'finished';
}

async function runSeed(cell: A.StudyCell, seed: number, dir: string, o: SeedOptions): Promise<SeedResult | 'interrupted'> {
  const run = cellRun(cell, seed, o.file);
  const resume = existsSync(join(dir, RUN_FILES.checkpoint)) ? readCheckpoint(dir, run.key, run.decls, run.spec.train.steps, stateKind(run.train.optimizer)) : undefined;
  let params: Params;
  if (resume && resume.step >= run.train.steps) params = resume.params;
  else {
    const save = (c: Checkpoint, history = c.history) => writeRun(dir, c, history, run.key, `${cell.name}, seed ${seed}`);
    const label = `${o.label} seed ${seed}`;
    const result = await trainWithProgress(run, o.device, label, { checkpointEvery: o.checkpointEvery, onCheckpoint: (c) => save(c) }, resume);
    save(result.checkpoint, result.history);
    const out = result.outcome;
    if (out.status === 'interrupted') return 'interrupted';
    if (out.status === 'nonfinite') return { status: 'failed', seed, message: `the loss is ${out.loss} at step ${out.step} (lr ${run.train.lr})` };
    params = result.checkpoint.params;
  }
  return { status: 'done', seed, ...(await score(run, params, dir, o)) };
}

/** The cell's spec with seed `seed` added to the emulator's and the train block's seeds. */
function cellRun(cell: A.StudyCell, seed: number, file: string): KeyedRun {
  const fe = checkParsed({ spec: cell.spec, diagnostics: [] }, fileSnapshotShape(file));
  const program = fe.programs[0];
  if (!program) throw new UserError(`cell ${cell.name} does not check`, `tx check ${file} lists why`);
  return loadRun(cell.spec, program, { seedOffset: seed });
}

/** `tx eval` with the study's metric over `up to` steps: its files beside the run's, and the aggregate. */
async function score(run: KeyedRun, params: Params, dir: string, o: SeedOptions): Promise<{ aggregate: number; curve: number[] }> {
  const { report } = o.study;
  const spec = run.spec;
  const snapshot = snapshotShape(spec.data!, fileSnapshotShape(o.file));
  const test = testLevels(spec.data!, () => loadDataset(spec.data!, o.file));
  checkLength(test, report.upTo);
  const stepper = await openStepper(spec, snapshot, params, o.evalDevice, test.trajectories);
  let e;
  try {
    e = await evaluateRollout(stepper, test, snapshot, [parseMetric(report.metric)], report.upTo, report.upTo);
  } finally {
    stepper.close();
  }
  const device = o.evalDevice === 'cpu' ? 'cpu (float64)' : 'gpu (float32)';
  for (const f of evalFiles(e, { spec: o.file, params: join(dir, RUN_FILES.safetensors), device, test: test.note })) writeAtomic(join(dir, f.name), f.data);
  const c = e.curves[0]!;
  return { aggregate: report.aggregate === 'mean' ? c.meanUpTo : c.gmeanUpTo, curve: c.mean };
}
