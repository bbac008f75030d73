// One cell's seeds: trained together, as one program on the GPU (an
// ensemble's members, driver/ensemble.ts), each with its files and
// checkpoints in its own folder as `tx train` writes them and resumed from
// its checkpoint; then each rolled out and scored as `tx eval` would, and its
// result written last.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as A from '../../dsl/ast.js';
import { fileSnapshotShape, loadDataset } from '../../data/load.js';
import { loadRun, type KeyedRun } from '../../driver/node.js';
import { checkParsed, snapshotShape } from '../../frontend.js';
import { parseMetric } from '../../math/metrics.js';
import type { Params } from '../../runtime/params.js';
import { clearEvalFiles, evalInFolder } from '../../train/eval-outputs.js';
import { evalFiles } from '../../train/eval-report.js';
import { testSet } from '../../train/evaluate.js';
import type { Device } from '../../train/executors.js';
import { readCheckpoint, writeRun } from '../../train/outputs.js';
import { stateKind } from '../../train/optimizer.js';
import { evaluateRollout } from '../../train/rollout-eval.js';
import { openStepper } from '../../train/rollout.js';
import { RUN_FILES } from '../../train/run-files.js';
import { seedDir, writeSeed } from '../../train/study-folder.js';
import type { SeedResult } from '../../train/study-table.js';
import { checkLength, testLevels } from '../../train/test-levels.js';
import type { Checkpoint, TrainHooks } from '../../train/trainer.js';
import { UserError } from '../../util/diagnostics.js';
import { lockFolder } from '../../util/lock.js';
import { writeAtomic } from '../io.js';
import { seedsLabel, trainSeedsWithProgress } from '../seeds-progress.js';

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

/** Runs `seeds` of `cell`, those that train as one program; 'interrupted' as soon as one is stopped (its checkpoint saved). */
export async function runSeeds(cell: A.StudyCell, seeds: readonly number[], o: SeedOptions): Promise<'finished' | 'interrupted'> {
  const runs = cellRuns(cell, seeds, o.file);
  const members = seeds.map((seed, j) => ({ seed, dir: seedDir(o.out, cell, seed), run: runs[j]! }));
  const releases = members.map((m) => lockFolder(m.dir, `tx study ${o.file} (${cell.name}, seed ${m.seed})`));
  try {
    const resume = members.map((m) => (existsSync(join(m.dir, RUN_FILES.checkpoint)) ? readCheckpoint(m.dir, m.run.key, m.run.decls, m.run.spec.train.steps, stateKind(m.run.train.optimizer)) : undefined));
    const todo = members.flatMap((m, j) => (resume[j] && resume[j].step >= m.run.train.steps ? [] : [j]));
    const save = (j: number, c: Checkpoint, history = c.history) => writeRun(members[j]!.dir, c, history, members[j]!.run.key, `${cell.name}, seed ${members[j]!.seed}`);
    // `eval every N` as tx train does it: train-eval.csv and params-best.safetensors beside tx eval's files.
    for (const j of todo) if (!resume[j]) clearEvalFiles(members[j]!.dir);
    const evals = (j: number): Partial<TrainHooks> => {
      const m = members[j]!;
      const { evalEvery } = m.run.train;
      if (!evalEvery) return {};
      const log = (l: string) => process.stderr.write(`${cell.name} seed ${m.seed}: ${l}\n`);
      return { evalEvery, onEval: evalInFolder(m.dir, m.run.spec, testSet(m.run.spec.data!, m.run.dataset), log, resume[j]?.step) };
    };
    const trained = await trainSeedsWithProgress(
      todo.map((j) => members[j]!.run),
      o.device,
      {
        label: (js) => `${o.label} ${seedsLabel(js.map((k) => members[todo[k]!]!.seed))}`,
        hooks: (k) => ({ checkpointEvery: o.checkpointEvery, onCheckpoint: (c) => save(todo[k]!, c), ...evals(todo[k]!) }),
        resume: todo.map((j) => resume[j]),
      },
    );
    let interrupted = false;
    for (const [j, m] of members.entries()) {
      const k = todo.indexOf(j);
      let params: Params;
      if (k < 0) params = resume[j]!.params;
      else {
        const result = trained[k]!;
        save(j, result.checkpoint, result.history);
        const out = result.outcome;
        if (out.status === 'interrupted') {
          interrupted = true;
          continue;
        }
        if (out.status === 'nonfinite') {
          const failed: SeedResult = { status: 'failed', seed: m.seed, message: `the loss is ${out.loss} at step ${out.step} (lr ${m.run.train.lr})` };
          writeSeed(m.dir, failed);
          process.stderr.write(`${cell.name} seed ${m.seed} failed: ${failed.message}\n`);
          continue;
        }
        params = result.checkpoint.params;
      }
      writeSeed(m.dir, { status: 'done', seed: m.seed, ...(await score(m.run, params, m.dir, o)) });
    }
    return interrupted ? 'interrupted' : 'finished';
  } finally {
    for (const release of releases) release();
  }
}

/** The cell's runs, one per seed: each seed added to the emulator's and the train block's seeds, all on the cell's data. */
function cellRuns(cell: A.StudyCell, seeds: readonly number[], file: string): KeyedRun[] {
  const fe = checkParsed({ spec: cell.spec, diagnostics: [] }, fileSnapshotShape(file));
  const program = fe.programs[0];
  if (!program) throw new UserError(`cell ${cell.name} does not check`, `tx check ${file} lists why`);
  // The data once: every seed trains on it.
  const data = loadDataset(cell.spec.data!, cell.spec.file);
  return seeds.map((seed) => loadRun(cell.spec, program, { seedOffset: seed }, data));
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
