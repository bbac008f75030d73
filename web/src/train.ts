// A training run in the page: the same run `tx train` makes (src/train/session.ts's
// prepareRun, minus its Node-only parts: a file digest and reading a path), the
// same executors and trainer loop, and the evaluation and text `tx train`
// prints at the end.
// Browser-safe; vitest runs it in Node against the CLI's numbers.
import { graphFlops } from '../../src/codegen/plan.js';
import { generateData } from '../../src/data/generate.js';
import { splitHeldOut, type Trajectories } from '../../src/data/trajectories.js';
import type * as A from '../../src/dsl/ast.js';
import { UserError } from '../../src/util/diagnostics.js';
import { windowLength } from '../../src/dsl/check.js';
import type { ChainProgram } from '../../src/frontend.js';
import type { Graph } from '../../src/ir/graph.js';
import { emulatorParams } from '../../src/passes/inline.js';
import type { ParamDecl } from '../../src/passes/inline/network.js';
import { paramsToJson, type Params } from '../../src/runtime/params.js';
import type { Evaluation } from '../../src/train/evaluate.js';
import { evaluateEmulator, testSet } from '../../src/train/evaluate.js';
import type { StepExecutor } from '../../src/train/executor.js';
import { createExecutor, type Device } from '../../src/train/executors.js';
import { safetensors } from '../../src/train/safetensors.js';
import type { TrainHooks, TrainPlan, TrainResult } from '../../src/train/trainer.js';
import { train } from '../../src/train/trainer.js';
import { upwindDistance, type UpwindDistance } from '../../src/train/upwind.js';
import { evaluationText, lossCsv, trainedText, upwindText, type Timing } from '../../src/train/report.js';

export interface PageRun {
  spec: A.Spec;
  config: A.ConfigDecl;
  graph: Graph;
  decls: ParamDecl[];
  data: { train: TrainPlan['data']; test: TrainPlan['data'] };
  plan: TrainPlan;
  train: A.TrainDecl;
  initSeed: number;
}

/**
 * prepareRun of src/train/session.ts; `graph` is the program after every pass,
 * `file` the trajectories the user picked for a `data file` spec.
 */
export function preparePageRun(spec: A.Spec, program: ChainProgram, graph: Graph, opts: { steps?: number; file?: { name: string; trajectories: Trajectories } } = {}): PageRun {
  const data = spec.data!;
  const train = { ...spec.train, steps: opts.steps ?? spec.train.steps };
  const emu = spec.emulator!;
  const initSeed = emu.kind === 'correction' ? emu.net.seed : emu.seed;
  const dataset = data.kind === 'generator' ? generateData(data) : fileDataset(data, opts.file);
  const window = windowLength(program.config.body);
  if (dataset.train.shape[1]! < window)
    throw new UserError(`the data's trajectories have ${dataset.train.shape[1]} snapshots, but the configuration needs windows of ${window}`);
  return {
    spec,
    config: program.config,
    graph,
    decls: emulatorParams(spec, dataset.train.shape.slice(2)),
    data: dataset,
    plan: { data: dataset.train, window, train },
    train,
    initSeed,
  };
}

/** The picked file's trajectories, the last `test_trajectories` held out, as `tx train` splits the file it reads. */
function fileDataset(data: Extract<A.DataDecl, { kind: 'file' }>, file: { name: string; trajectories: Trajectories } | undefined) {
  if (!file) throw new UserError(`pick the data file for "${data.path}" first`);
  return splitHeldOut(file.trajectories, data.testTrajectories, file.name);
}

export type { Device };

/** gpu: the compiled WGSL step on navigator.gpu, in float32; cpu: the float64 reference. The executors `tx train` makes. */
export function makeExecutor(run: PageRun, device: Device): Promise<StepExecutor> {
  return createExecutor(run, device);
}

/** The trainer's loop yields with setImmediate (Node's); a page has none. */
export function ensureSetImmediate(): void {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return;
  const ch = new MessageChannel();
  const queue: (() => void)[] = [];
  ch.port1.onmessage = () => queue.shift()?.();
  g.setImmediate = (f: () => void) => {
    queue.push(f);
    ch.port2.postMessage(0);
  };
}

export async function trainPage(exec: StepExecutor, run: PageRun, hooks: TrainHooks): Promise<TrainResult> {
  ensureSetImmediate();
  try {
    return await train(exec, run.plan, hooks);
  } finally {
    exec.dispose?.();
  }
}

export interface Summary {
  text: string;
  evaluation?: Evaluation;
  upwind?: UpwindDistance;
}

/** What `tx train` prints when a run ends, and the evaluation behind it. */
/** `seconds`: the whole run, compiling included, as tx train says it. */
export function summary(run: PageRun, result: TrainResult, file: string, device: string, seconds: number, timing: Timing = {}): Summary {
  const ran = result.history.length;
  const lines = [trainedText(file, run.config, device, ran, seconds, timing, graphFlops(run.graph, run.train.batch))];
  const last = result.history.at(-1);
  if (last) lines.push(`loss ${last.loss.toExponential(4)} at step ${last.step} (epoch ${last.epoch})`);
  const o = result.outcome;
  if (o.status === 'interrupted') {
    lines.push(`stopped at step ${result.checkpoint.step} of ${run.train.steps}; the parameters of that step can be downloaded`);
    return { text: lines.join('\n') };
  }
  if (o.status === 'nonfinite') {
    const kept = o.recovered ? `the parameters of step ${o.step - 1}, the last with a finite loss` : 'the parameters (no earlier ones exist)';
    lines.push(`error: the loss is ${o.loss} at step ${o.step}; training stopped. Kept ${kept}`, `  hint: lower the learning rate (lr ${run.train.lr})`);
    return { text: lines.join('\n') };
  }
  const evaluation = evaluateEmulator(run.spec, result.checkpoint.params, testSet(run.spec.data!, run.data));
  lines.push(evaluationText(evaluation));
  const upwind = upwindDistance(run.spec, result.checkpoint.params);
  if (upwind) lines.push(upwindText(upwind));
  return { text: lines.join('\n'), evaluation, ...(upwind && { upwind }) };
}

/** The files `tx train` writes that a page offers for download. */
export function downloads(params: Params, history: TrainResult['history']): { name: string; type: string; data: string | Uint8Array }[] {
  return [
    { name: 'params.safetensors', type: 'application/octet-stream', data: safetensors(params) },
    { name: 'params.json', type: 'application/json', data: paramsToJson(params) },
    { name: 'loss.csv', type: 'text/csv', data: lossCsv(history) },
  ];
}
