// `tx train` and `tx quickstart`: the training loop behind a progress display,
// Ctrl-C turned into a saved checkpoint, and the results printed at the end.
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { UserError } from '../../util/diagnostics.js';
import { DeviceLostError } from '../../runtime/gpu/lost.js';
import type { Dataset } from '../../data/dataset.js';
import { dataOrigin, defaultDataDevice, type DataDevice } from '../../driver/data-device.js';
import { loadDatasetOn, loadRun } from '../../driver/node.js';
import { summary } from '../../driver/summary.js';
import type { Device } from '../../train/executors.js';
import { clearEvalFiles, evalInFolder } from '../../train/eval-outputs.js';
import { testSet } from '../../train/evaluate.js';
import { stateKind } from '../../train/optimizer.js';
import { clearEvaluation, readCheckpoint, writeEvaluation, writeRun } from '../../train/outputs.js';
import { QUICKSTART_ROLLOUTS, quickstartDir, quickstartTable, type QuickstartRow } from '../../train/quickstart.js';
import type { Timing } from '../../train/report.js';
import { upwindText } from '../../train/report.js';
import type { Checkpoint, TrainHooks, TrainResult } from '../../train/trainer.js';
import { upwindDistance } from '../../train/upwind.js';
import { lockFolder } from '../../util/lock.js';
import type { ChainProgram, Frontend } from '../../frontend.js';
import { perEmulator } from '../emulators.js';
import { loadSpec, oneProgram } from '../io.js';
import { dataDeviceOption, positiveInt } from '../options.js';
import { seedsLabel, trainSeedsWithProgress } from '../seeds-progress.js';
import { trainSeedsInto } from './train-seeds.js';
import { EXIT_INTERRUPTED } from '../signals.js';
import { resumeCheck, resumedRun } from '../resume.js';


export function register(program: Command): void {
  program
    .command('train')
    .description("train the emulator with the configuration; write the loss history, parameters and a checkpoint; evaluate on held-out trajectories (and draw a 2-D or 3-D state's rollout: fields.svg; with `eval every N` in the train block, also every N steps: train-eval.csv, params-best.safetensors)")
    .argument('<file>', '.tx file')
    .option('-c, --config <name>', 'the configuration (needed when the file has several)')
    .option('-e, --emulator <name>', 'train only this one of the named emulators (default: each, one after the other)')
    .option('-o, --out <dir>', 'output folder (default: out/<spec name>[-<emulator>][-<config>]; with several emulators, DIR/<emulator>)')
    .option('--steps <n>', "override the train block's steps", positiveInt)
    .option('--resume', "continue from the checkpoint in the output folder, exactly as an uninterrupted run; with more --steps than the first run's, extend it (the schedule keeps spanning the first run's steps and holds its final rate past them)")
    .option('--checkpoint-every <n>', 'steps between checkpoints', positiveInt, 100)
    .option('--seeds <n>', "train N seeds (0 .. N-1 added to the spec's seeds) as one program, each into OUT/seed-<s>, with OUT/seeds.csv across them (default: the train block's seeds, 1)", positiveInt)
    .addOption(deviceOption())
    .addOption(dataDeviceOption('--data-device <device>', 'gpu on a hardware GPU when training there (--device gpu), else cpu'))
    .action(async (file: string, opts: TrainOptions) => {
      // Every choice checked before any data is generated.
      const runs = perEmulator(loadSpec(file), opts.emulator).map((r) => ({ ...r, program: oneProgram(r.fe, opts.config) }));
      for (const { name, fe, program } of runs) {
        const out = outFolder(file, opts, runs.length > 1 ? name : undefined, name);
        if (name !== undefined) process.stdout.write(`emulator ${name}: training into ${out}\n`);
        await trainOne(file, fe, program, out, opts);
        if (process.exitCode === EXIT_INTERRUPTED) return;
      }
    });

  program
    .command('quickstart')
    .description("Trainax's README quickstart: train specs/quickstart/rollout{1,5,20}.tx over several seeds; the learned kernel's distance to the upwind stencil")
    .option('--seeds <n>', 'seeds per rollout length (the emulator initialisation and the minibatch order vary)', positiveInt, 5)
    .option('--steps <n>', "override the specs' steps (1000)", positiveInt)
    .addOption(deviceOption())
    .action(async (opts: { seeds: number; steps?: number; device: Device }) => {
      const rows: QuickstartRow[] = [];
      for (const rollout of QUICKSTART_ROLLOUTS) {
        const file = join(quickstartDir(), `rollout${rollout}.tx`);
        const fe = loadSpec(file);
        const t0 = Date.now();
        // The seeds as one program (an ensemble's members) on the GPU.
        const runs = [...Array(opts.seeds).keys()].map((seed) => loadRun(fe.spec, fe.programs[0]!, { steps: opts.steps, seedOffset: seed }));
        const results = await trainSeedsWithProgress(runs, opts.device, { label: (m) => `rollout ${rollout} ${seedsLabel(m)}` });
        const row: QuickstartRow = { rollout, distances: [], seconds: (Date.now() - t0) / 1000 };
        for (const [seed, result] of results.entries()) {
          const d = upwindDistance(runs[seed]!.spec, result.checkpoint.params)!;
          row.distances.push(d.distance);
          process.stderr.write(`rollout ${rollout} seed ${seed}: ${upwindText(d)} (${result.outcome.status})\n`);
        }
        if (results.some((r) => r.outcome.status === 'interrupted')) {
          process.stdout.write(rows.length ? quickstartTable(rows) : '');
          process.exitCode = EXIT_INTERRUPTED;
          return;
        }
        rows.push(row);
      }
      process.stdout.write(`distance of the learned kernel to the upwind stencil [1+CFL, -CFL], over ${opts.seeds} seed(s) trained as one program; time: all seeds, ${opts.device}\n`);
      process.stdout.write(quickstartTable(rows));
    });
}


export interface TrainOptions {
  /** Seeds trained at once, overriding the train block's `seeds`. */
  seeds?: number;
  config?: string;
  emulator?: string;
  out?: string;
  steps?: number;
  resume?: boolean;
  checkpointEvery: number;
  device: Device;
  dataDevice?: DataDevice;
}

/**
 * out/<spec>[-<emulator>][-<config>]; `--out DIR` as given for one run, and
 * DIR/<emulator> for each of several, so that no two runs share a folder.
 */
function outFolder(file: string, opts: TrainOptions, several: string | undefined, emulator: string | undefined): string {
  if (opts.out) return several ? join(opts.out, several) : opts.out;
  return join('out', [basename(file, '.tx'), emulator, opts.config].filter((x) => x !== undefined).join('-'));
}

/** The spec's trajectories; where a generator makes them, on which device and in which precision is printed. */
async function trainingData(spec: Frontend['spec'], opts: TrainOptions): Promise<Dataset> {
  const data = spec.data!;
  // Training on the CPU asks for no adapter: its data is float64 too.
  const device = opts.dataDevice ?? (await defaultDataDevice(data, opts.device === 'gpu'));
  const dataset = await loadDatasetOn(data, spec.file, device);
  if (data.kind === 'generator') process.stderr.write(`data: ${dataOrigin(data, dataset)}${opts.dataDevice ? '' : ' (choose with --data-device)'}\n`);
  return dataset;
}

/** One emulator's run of `program` into `out`: resumed where asked, evaluated, summarised. */
async function trainOne(file: string, fe: Frontend, program: ChainProgram, out: string, opts: TrainOptions): Promise<void> {
  const seeds = opts.seeds ?? fe.spec.train.seeds;
  const data = await trainingData(fe.spec, opts);
  if (seeds > 1) return trainSeedsInto(file, fe, program, out, opts, seeds, data);
  let run = loadRun(fe.spec, program, { steps: opts.steps }, data);
  lockFolder(out, `tx train ${file}`);
  const resume = opts.resume ? readCheckpoint(out, run.key, run.decls, run.spec.train.steps, stateKind(run.train.optimizer)) : undefined;
  if (resume) {
    run = resumedRun(run, resume, opts.steps);
    const { done, note } = resumeCheck(resume, run, out);
    if (done) return void process.stdout.write(`the run in ${out} has trained its ${run.train.steps} steps already: nothing to do (to extend it: --resume --steps N, N > ${run.train.steps})\n`);
    if (note) process.stderr.write(note + '\n');
  }
  const title = `${basename(file)}: ${run.config.text}`;
  const save = (c: Checkpoint, history = c.history) => writeRun(out, c, history, run.key, title);
  clearEvaluation(out);
  if (!resume) clearEvalFiles(out);
  const { evalEvery } = run.train;
  const onEval = evalEvery && evalInFolder(out, run.spec, testSet(run.spec.data!, run.dataset), (l) => process.stderr.write(l + '\n'), resume?.step);
  const t0 = Date.now();
  let result: TrainResult & { timing: Timing };
  try {
    const hooks: TrainHooks = { checkpointEvery: opts.checkpointEvery, onCheckpoint: (c) => save(c), ...(onEval && { evalEvery, onEval }) };
    result = (await trainSeedsWithProgress([run], opts.device, { label: () => '', hooks: () => hooks, resume: [resume] }))[0]!;
  } catch (e) {
    if (e instanceof DeviceLostError) throw new UserError(e.message, `the last checkpoint in ${out} is kept: continue with --resume`);
    throw e;
  }
  save(result.checkpoint, result.history);
  const s = summary(run, result, { file, device: opts.device, seconds: (Date.now() - t0) / 1000, timing: result.timing, start: resume?.step, out });
  if (s.evaluation) writeEvaluation(out, s.evaluation, s.fields);
  process.stdout.write(s.lines.map((l) => l + '\n').join(''));
  if (s.error) {
    process.stderr.write(s.error + '\n');
    process.exitCode = 1;
  }
  if (result.outcome.status === 'interrupted') process.exitCode = EXIT_INTERRUPTED;
}

export function deviceOption(): Option {
  return new Option('-d, --device <device>', 'gpu: the compiled WGSL step, in float32; cpu: the float64 interpreter (the reference, slower)').choices(['gpu', 'cpu']).default('gpu');
}
