// After training: roll the emulator out autoregressively from each test
// trajectory's initial state and compare with the trajectory, as the
// normalised RMSE per sample, ||pred - ref|| / ||ref||, averaged over samples.
// The first trajectory's states at those steps are kept for the field figure.
import type { Dataset } from '../data/dataset.js';
import type { FieldRollout, RolloutStep } from '../draw/fields.js';
import { generateData } from '../data/generate.js';
import type { Trajectories } from '../data/trajectories.js';
import type * as A from '../dsl/ast.js';
import type { Graph } from '../ir/graph.js';
import { GraphBuilder } from '../ir/graph.js';
import { verify } from '../ops/verify.js';
import type { Tensor } from '../ops/op.js';
import { inline } from '../passes/inline.js';
import { evaluate } from '../runtime/interpreter.js';
import type { Params } from '../runtime/params.js';

export const EVAL_STEPS = [1, 10, 50] as const;
/** Trajectories generated for evaluation when the spec holds none out. */
export const GENERATED_TEST = 10;

export interface Evaluation {
  source: 'held-out' | 'generated' | 'training';
  /** What the numbers were measured on, in words, for the printout. */
  note: string;
  trajectories: number;
  /** Mean nRMSE at each rollout step within the trajectories' length. */
  nrmse: { step: number; value: number }[];
}

export interface TestSet {
  data: Trajectories;
  source: Evaluation['source'];
  note: string;
}

/**
 * The held-out trajectories; without any, fresh ones from the generator's
 * held-out stream (what `test_trajectories N` would have given, never a
 * training draw); for a data file without any, the training trajectories.
 */
export function testSet(decl: A.DataDecl, dataset: Dataset): TestSet {
  const n = dataset.test.shape[0]!;
  if (n > 0) return { data: dataset.test, source: 'held-out', note: `${n} held-out trajectories` };
  if (decl.kind === 'generator') {
    const data = generateData({ ...decl, trajectories: 1, testTrajectories: GENERATED_TEST }).test;
    return { data, source: 'generated', note: `${GENERATED_TEST} freshly generated trajectories (the spec holds none out: test_trajectories 0)` };
  }
  const m = dataset.train.shape[0]!;
  return { data: dataset.train, source: 'training', note: `the ${m} training trajectories (the data file holds none out: this measures fit, not generalisation)` };
}

/** One emulator step, `%ic -> %u1`, as primitive ops: the rollout's body. */
export function emulatorStepGraph(spec: A.Spec, snapshot: readonly number[]): Graph {
  const b = new GraphBuilder('emulator step');
  const ic = b.add('ic', 'input', [], ['B', ...snapshot], { name: 'ic' });
  const u1 = b.add('u1', 'call', [ic], ['B', ...snapshot], { fn: 'emulator' });
  return inline(verify(b.build([u1])), spec);
}

export function evaluateEmulator(spec: A.Spec, params: Params, test: TestSet, steps: readonly number[] = EVAL_STEPS): { evaluation: Evaluation; fields: FieldRollout } {
  const [n, snapshots] = test.data.shape as [number, number];
  const snapshot = test.data.shape.slice(2);
  const size = snapshot.reduce((a, x) => a * x, 1);
  const wanted = steps.filter((s) => s < snapshots);
  const g = emulatorStepGraph(spec, snapshot);
  const reference = (t: number) => Float64Array.from({ length: n * size }, (_, k) => test.data.data[(Math.floor(k / size) * snapshots + t) * size + (k % size)]!);
  let u: Tensor = { shape: [n, ...snapshot], data: reference(0) };
  const nrmse: Evaluation['nrmse'] = [];
  const input = u.data.slice(0, size);
  const shown: RolloutStep[] = [];
  for (let t = 1; t <= (wanted.at(-1) ?? 0); t++) {
    const feeds = new Map(params);
    feeds.set('ic', u);
    u = evaluate(g, feeds).get(g.outputs[0]!)!;
    if (!wanted.includes(t)) continue;
    const ref = reference(t);
    nrmse.push({ step: t, value: meanNrmse(u.data, ref, n, size) });
    shown.push({ step: t, prediction: u.data.slice(0, size), reference: ref.slice(0, size) });
  }
  return { evaluation: { source: test.source, note: test.note, trajectories: n, nrmse }, fields: { shape: snapshot, input, steps: shown } };
}

/** Per sample ||pred - ref|| / ||ref||, then the mean over the n samples. */
export function meanNrmse(pred: Float64Array, ref: Float64Array, n: number, size: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let err = 0;
    let norm = 0;
    for (let k = i * size; k < (i + 1) * size; k++) {
      err += (pred[k]! - ref[k]!) ** 2;
      norm += ref[k]! ** 2;
    }
    sum += Math.sqrt(err / norm);
  }
  return sum / n;
}
