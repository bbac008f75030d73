// Everything a training run is made of, gathered from a compiled
// configuration and its data: the differentiated graph, the schedule, the
// initial parameters. The same run in the terminal, a page and the bench;
// browser-safe, so the checkpoint key's digest is node.ts's (runIdentity is
// what it digests).
import type { Dataset } from '../data/dataset.js';
import { windowCount } from '../data/windows.js';
import type * as A from '../dsl/ast.js';
import { windowLength } from '../dsl/check.js';
import type { Graph } from '../ir/graph.js';
import { emulatorParams } from '../passes/inline.js';
import type { ParamDecl } from '../passes/inline/network.js';
import type { TrainPlan } from '../train/trainer.js';
import type { CompiledConfig } from './compile.js';

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
}

export function prepareRun(c: CompiledConfig, dataset: Dataset, opts: RunOptions = {}): Run {
  const { spec } = c;
  const offset = opts.seedOffset ?? 0;
  const train = { ...spec.train, steps: opts.steps ?? spec.train.steps, seed: spec.train.seed + offset };
  const emu = spec.emulator!;
  const window = windowLength(c.program.config.body);
  // Trajectories too short for a window: said now, before a device compiles anything.
  windowCount(dataset.train.shape, window, train.substack);
  return {
    spec,
    config: c.program.config,
    graph: c.final,
    decls: emulatorParams(spec, dataset.train.shape.slice(2)),
    dataset,
    plan: { data: dataset.train, window, train },
    train,
    initSeed: (emu.kind === 'correction' ? emu.net.seed : emu.seed) + offset,
  };
}

/** The same run for `steps` steps: its data, graph and identity do not depend on them. */
export function withSteps<R extends Run>(run: R, steps: number): R {
  const train = { ...run.train, steps };
  return { ...run, train, plan: { ...run.plan, train } };
}

/**
 * Everything that determines a run but its length, as text: a checkpoint
 * resumes only the run whose identity it was saved with. Not the --steps
 * override: a checkpoint resumes with more steps (it keeps its schedule's
 * horizon). Checkpoints store its digest, so it must not change.
 */
export function runIdentity(run: Run): string {
  // Not `seeds`: a run is one member, whose seeds are in `train.seed` and `initSeed`.
  const { span: _, seeds: __, ...train } = { ...run.train, steps: run.spec.train.steps };
  // Trajectories stepped in float32 are other data: a checkpoint of one never resumes the other.
  return JSON.stringify({ source: run.spec.source, config: run.config.name, train, initSeed: run.initSeed, ...(run.dataset.device && { data: run.dataset.device }) });
}
