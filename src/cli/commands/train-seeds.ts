// `tx train` with several seeds (`seeds N` in the train block, or --seeds):
// the seeds' emulators trained as one program (an ensemble's members), each
// into OUT/seed-<s> exactly as a single run with that seed offset writes its
// folder (and resumed from it), then a table across the seeds, OUT/seeds.csv.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRun, type KeyedRun } from '../../driver/node.js';
import { summary } from '../../driver/summary.js';
import type { Dataset } from '../../data/dataset.js';
import { spread } from '../../math/spread.js';
import type { ChainProgram, Frontend } from '../../frontend.js';
import { clearEvalFiles, evalInFolder } from '../../train/eval-outputs.js';
import { testSet } from '../../train/evaluate.js';
import { stateKind } from '../../train/optimizer.js';
import { clearEvaluation, readCheckpoint, writeEvaluation, writeRun } from '../../train/outputs.js';
import { RUN_FILES } from '../../train/run-files.js';
import type { Checkpoint, TrainHooks } from '../../train/trainer.js';
import { lockFolder } from '../../util/lock.js';
import { writeAtomic } from '../io.js';
import { resumeCheck, resumedRun } from '../resume.js';
import { seedsLabel, trainSeedsWithProgress } from '../seeds-progress.js';
import { EXIT_INTERRUPTED } from '../signals.js';
import type { Device } from '../../train/executors.js';

/** What of `tx train`'s options the seeds take. */
export interface SeedsIntoOptions {
  steps?: number;
  resume?: boolean;
  checkpointEvery: number;
  device: Device;
}

interface Member {
  seed: number;
  dir: string;
  run: KeyedRun;
  resume?: Checkpoint;
}

/** `data`: the training data, the same for every seed. */
export async function trainSeedsInto(file: string, fe: Frontend, program: ChainProgram, out: string, opts: SeedsIntoOptions, seeds: number, data: Dataset): Promise<void> {
  lockFolder(out, `tx train ${file}`);
  const notes = new Set<string>();
  const members = [...Array(seeds).keys()].map((seed): Member & { done: boolean } => {
    const dir = join(out, `seed-${seed}`);
    const run = loadRun(fe.spec, program, { steps: opts.steps, seedOffset: seed }, data);
    if (!opts.resume || !existsSync(join(dir, RUN_FILES.checkpoint))) return { seed, dir, run, done: false };
    // Each seed as `tx train --resume` would resume it alone.
    const resume = readCheckpoint(dir, run.key, run.decls, run.spec.train.steps, stateKind(run.train.optimizer));
    const resumed = resumedRun(run, resume, opts.steps);
    const { done, note } = resumeCheck(resume, resumed, dir);
    if (note) notes.add(note);
    return { seed, dir, run: resumed, resume, done };
  });
  for (const n of notes) process.stderr.write(n + '\n');
  const todo = members.filter((m) => !m.done);
  if (!todo.length) {
    process.stdout.write(`the ${seeds} seeds in ${out} have trained their steps already: nothing to do (to extend them: --resume --steps N)\n`);
    return;
  }
  for (const m of todo) {
    clearEvaluation(m.dir);
    if (!m.resume) clearEvalFiles(m.dir);
  }
  const title = (m: Member) => `${file}: ${m.run.config.text}, seed ${m.seed}`;
  const save = (m: Member, c: Checkpoint, history = c.history) => writeRun(m.dir, c, history, m.run.key, title(m));
  const hooks = (j: number): TrainHooks => {
    const m = todo[j]!;
    const { evalEvery } = m.run.train;
    const onEval = evalEvery && evalInFolder(m.dir, m.run.spec, testSet(m.run.spec.data!, m.run.dataset), (l) => process.stderr.write(`seed ${m.seed}: ${l}\n`), m.resume?.step);
    return { checkpointEvery: opts.checkpointEvery, onCheckpoint: (c) => save(m, c), ...(onEval && { evalEvery, onEval }) };
  };
  const t0 = Date.now();
  const results = await trainSeedsWithProgress(
    todo.map((m) => m.run),
    opts.device,
    { label: (js) => seedsLabel(js.map((j) => todo[j]!.seed)), hooks, resume: todo.map((m) => m.resume) },
  );
  const seconds = (Date.now() - t0) / 1000;
  const rows: SeedRow[] = [];
  for (const [j, result] of results.entries()) {
    const m = todo[j]!;
    save(m, result.checkpoint, result.history);
    const s = summary(m.run, result, { file, device: opts.device, seconds, timing: result.timing, ...(m.resume && { start: m.resume.step }), out: m.dir });
    if (s.evaluation) writeEvaluation(m.dir, s.evaluation, s.fields);
    if (s.error) {
      process.stderr.write(`seed ${m.seed}: ${s.error}\n`);
      process.exitCode = 1;
    }
    rows.push({ seed: m.seed, status: result.outcome.status, step: result.checkpoint.step, loss: result.history.at(-1)?.loss, nrmse: s.evaluation?.nrmse ?? [] });
  }
  const ran = Math.max(...results.map((r, j) => r.history.length - (todo[j]!.resume?.step ?? 0)));
  process.stdout.write(`trained ${todo.length} seeds of ${file} (config ${program.config.name}) as one program on ${opts.device}: ${ran} steps in ${seconds.toFixed(1)} s; each seed's files in ${join(out, 'seed-<s>')}, the table in ${join(out, 'seeds.csv')}\n`);
  writeAtomic(join(out, 'seeds.csv'), seedsCsv(rows));
  process.stdout.write(seedsText(rows));
  if (results.some((r) => r.outcome.status === 'interrupted')) process.exitCode = EXIT_INTERRUPTED;
}

interface SeedRow {
  seed: number;
  status: string;
  step: number;
  loss: number | undefined;
  /** Test nRMSE at each evaluated rollout step (none for a run that did not finish). */
  nrmse: { step: number; value: number }[];
}

/** A column per evaluated rollout step, named by it as train-eval.csv's are (nrmse_1, nrmse_10, …); the seeds share one spec, so one set of steps. */
function seedsCsv(rows: readonly SeedRow[]): string {
  const steps = rows.find((r) => r.nrmse.length)?.nrmse.map((x) => x.step) ?? [];
  const head = ['seed', 'status', 'step', 'loss', ...steps.map((k) => `nrmse_${k}`)];
  return [head, ...rows.map((r) => [r.seed, r.status, r.step, r.loss ?? '', ...r.nrmse.map((x) => x.value)])].map((c) => c.join(',')).join('\n') + '\n';
}

/** A line per seed, then the mean and spread of the final loss and the first step's nRMSE across the finished seeds. */
function seedsText(rows: readonly SeedRow[]): string {
  const done = rows.filter((r) => r.status === 'done');
  const stat = (xs: number[]) => {
    if (!xs.length) return '-';
    const { mean, std } = spread(xs);
    return `${mean.toExponential(3)} ± ${std.toExponential(2)}`;
  };
  const fmt = (x: number | undefined) => (x === undefined ? '-' : x.toExponential(4));
  const lines = rows.map((r) => `  seed ${r.seed}: ${r.status} at step ${r.step}, loss ${fmt(r.loss)}, test nRMSE at step 1 ${fmt(r.nrmse[0]?.value)}`);
  const first = done.flatMap((r) => (r.nrmse.length ? [r.nrmse[0]!.value] : []));
  return `${lines.join('\n')}\n  over the ${done.length} finished seeds: loss ${stat(done.flatMap((r) => (r.loss === undefined ? [] : [r.loss])))}, test nRMSE at step 1 ${stat(first)} (mean ± std, ddof 0 as in tx study's tables)\n`;
}
