// Everything a training run is made of, gathered from a checked spec: the
// differentiated graph, the data, the schedule and the initial parameters
// (executors.ts makes its executor). Shared by `tx train` and `tx quickstart`.
import { createHash } from 'node:crypto';
import type { Dataset } from '../data/dataset.js';
import { loadDataset } from '../data/dataset.js';
import type * as A from '../dsl/ast.js';
import { windowLength } from '../dsl/check.js';
import type { ChainProgram } from '../frontend.js';
import type { Graph } from '../ir/graph.js';
import { emulatorParams } from '../passes/inline.js';
import type { ParamDecl } from '../passes/inline/network.js';
import { runPasses } from '../passes/pipeline.js';
import type { TrainPlan } from './trainer.js';

export interface RunOptions {
  /** Overrides the train block's steps. */
  steps?: number;
  /** Added to the emulator's and the train block's seeds: independent repeats of one spec. */
  seedOffset?: number;
}

export interface Run {
  spec: A.Spec;
  config: A.ConfigDecl;
  /** After every pass: outputs [loss, grad.<param>...]. */
  graph: Graph;
  decls: ParamDecl[];
  dataset: Dataset;
  plan: TrainPlan;
  train: A.TrainDecl;
  initSeed: number;
  /** A digest of everything that determines the run but its length; a checkpoint only resumes the same run. */
  key: string;
}

/** The same run for `steps` steps: its data, graph and key do not depend on them. */
export function withSteps(run: Run, steps: number): Run {
  const train = { ...run.train, steps };
  return { ...run, train, plan: { ...run.plan, train } };
}

export function prepareRun(spec: A.Spec, program: ChainProgram, opts: RunOptions = {}): Run {
  const offset = opts.seedOffset ?? 0;
  const train = { ...spec.train, steps: opts.steps ?? spec.train.steps, seed: spec.train.seed + offset };
  const emu = spec.emulator!;
  const initSeed = (emu.kind === 'correction' ? emu.net.seed : emu.seed) + offset;
  const dataset = loadDataset(spec.data!, spec.file);
  const decls = emulatorParams(spec, dataset.train.shape.slice(2));
  // Not the --steps override: a checkpoint resumes with more steps (the
  // checkpoint keeps its schedule's horizon).
  const { span: _, ...trainKey } = { ...train, steps: spec.train.steps };
  const key = createHash('sha256')
    .update(JSON.stringify({ source: spec.source, config: program.config.name, train: trainKey, initSeed }))
    .digest('hex');
  return {
    spec,
    config: program.config,
    graph: runPasses(program.graph, spec).at(-1)!.graph,
    decls,
    dataset,
    plan: { data: dataset.train, window: windowLength(program.config.body), train },
    train,
    initSeed,
    key,
  };
}
