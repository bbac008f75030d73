// `tx eval`: a trained emulator rolled out from the test trajectories'
// initial states, scored per step with APEBench's metrics; a table on
// standard output, the curves as CSV, JSON and SVG beside the parameters.
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { checkMetric, parseMetric, type Metric } from '../../math/metrics.js';
import { evalFiles, evalJson, evalTable, type EvalContext } from '../../train/eval-report.js';
import type { Device } from '../../train/executors.js';
import { evaluateRollout } from '../../train/rollout-eval.js';
import { openStepper } from '../../train/rollout.js';
import { checkLength } from '../../train/test-levels.js';
import { UserError } from '../../util/diagnostics.js';
import { writeAtomic } from '../io.js';
import { positiveInt } from '../options.js';
import { rolloutProgress } from '../rollout-progress.js';
import { emulatorOption } from '../emulators.js';
import { loadTrained, rolloutDeviceOption } from '../trained.js';

/** APEBench rolls out 200 steps and summarises the first 100. */
const ROLLOUT = 200;
const UP_TO = 100;

interface EvalOptions {
  params: string;
  rollout?: number;
  metrics: string;
  upTo: number;
  device: Device;
  out?: string;
  json?: boolean;
  emulator?: string;
}

export function register(program: Command): void {
  program
    .command('eval')
    .description("roll the trained emulator out from the test trajectories' initial states; each metric per rollout step (mean and spread over the trajectories), its mean and geometric mean over the first steps")
    .argument('<file>', '.tx file')
    .requiredOption('-p, --params <path>', 'the trained parameters: params.safetensors or params.json from tx train')
    .option('-r, --rollout <n>', `rollout steps (default: ${ROLLOUT} where the data is generated, else as many as the test trajectories hold)`, positiveInt)
    .option('-m, --metrics <list>', 'comma-separated metrics (docs/evaluation.md): nRMSE, nMAE, RMSE, correlation, fourier_nRMSE;0;5;0, H1_nRMSE, …', 'nRMSE,nMAE,correlation')
    .option('--up-to <k>', 'the summaries (mean, geometric mean) cover steps 1..k', positiveInt, UP_TO)
    .addOption(rolloutDeviceOption())
    .option('-o, --out <dir>', 'where eval.csv, eval.json and eval-<metric>.svg go (default: beside the parameters)')
    .option('--json', 'print eval.json instead of the table')
    .addOption(emulatorOption('-e, --emulator <name>', "where the file names several (default: the one whose parameters --params holds)"))
    .action(async (file: string, opts: EvalOptions) => {
      const { spec, snapshot, params, test } = loadTrained(file, opts.params, opts.emulator);
      const metrics = parseMetrics(opts.metrics);
      for (const m of metrics) checkMetric(m, snapshot);
      const steps = opts.rollout ?? (test.extendable ? ROLLOUT : test.snapshots - 1);
      checkLength(test, steps);
      const stepper = await openStepper(spec, snapshot, params, opts.device, test.trajectories);
      const bar = rolloutProgress(steps);
      let evaluation;
      try {
        evaluation = await evaluateRollout(stepper, test, snapshot, metrics, steps, opts.upTo, bar.update);
      } finally {
        bar.stop();
        stepper.close();
      }
      const ctx: EvalContext = { spec: file, params: opts.params, device: opts.device === 'cpu' ? 'cpu (float64)' : 'gpu (float32)', test: test.note };
      const out = opts.out ?? dirname(opts.params);
      const files = evalFiles(evaluation, ctx);
      for (const f of files) writeAtomic(join(out, f.name), f.data);
      if (opts.json) process.stdout.write(evalJson(evaluation, ctx));
      else process.stdout.write(evalTable(evaluation, ctx) + `wrote ${join(out, `{${files.map((f) => f.name).join(', ')}}`)}\n`);
    });
}

/** Each metric once (nrmse and mean_nRMSE are one column), at least one. */
function parseMetrics(list: string): Metric[] {
  const byName = new Map<string, Metric>();
  for (const text of list.split(',').filter((m) => m.trim())) {
    const m = parseMetric(text);
    byName.set(m.name, m);
  }
  if (!byName.size) throw new UserError('--metrics: no metric given', 'e.g. --metrics nRMSE,correlation');
  return [...byName.values()];
}
