// A configuration's training step compiled from the spec alone, without its
// data: what `tx compile`, the goldens and the page show. The step needs the
// data's layout, not its values: a generator declares its trajectories,
// snapshots and points, and a data file's shape says the same. The window
// comes from the configuration, the parameters from the emulator, the
// optimizer and the batch from the train block, as `tx train` takes them.
import type { StepProgram } from './codegen/step.js';
import { stepProgram } from './codegen/step.js';
import { dataLayout } from './codegen/gather.js';
import { optimizerSpec } from './codegen/optimizer.js';
import { trainingCount } from './data/trajectories.js';
import { largestBatch } from './data/windows.js';
import type * as A from './dsl/ast.js';
import { windowLength } from './dsl/check.js';
import { snapshotShape } from './frontend.js';
import type { Graph } from './ir/graph.js';
import type { Target } from './ir/target.js';
import { emulatorParams } from './passes/inline.js';

export interface SpecStepOptions {
  /** The batch to plan for; by default the train block's, or all the windows where they are fewer (as training runs it). */
  batch?: number;
  /**
   * A data file's shape, `[trajectories, snapshots, ...state]` before the
   * held-out trajectories are split off. Without it a `data file` spec
   * compiles its graph alone (a page that has not read the file).
   */
  fileShape?: (path: string) => readonly number[];
  /** Seeds trained as one program (codegen/members.ts); 1 by default. */
  members?: number;
}

/** `graph`: the configuration after every pass (outputs [loss, grad.<param>...]). */
export function specStep(spec: A.Spec, config: A.ConfigDecl, graph: Graph, target: Target, opts: SpecStepOptions = {}): StepProgram {
  const data = spec.data!;
  const shape = trainShape(data, opts.fileShape);
  if (!shape) return stepProgram(graph, { target, maxBatch: opts.batch ?? spec.train.batch });
  const window = windowLength(config.body);
  const { substack } = spec.train;
  const maxBatch = opts.batch ?? largestBatch(spec.train.batch, shape, window, substack);
  const params = emulatorParams(spec, shape.slice(2)).map((p) => ({ name: p.name, size: p.shape.reduce((a, x) => a * x, 1) }));
  return stepProgram(graph, { target, maxBatch, training: { data: dataLayout(shape, window, substack), params, optimizer: optimizerSpec(spec.train) }, members: opts.members ?? 1 });
}

/** The training trajectories' shape: all of a generator's, a file's less those held out. */
function trainShape(data: A.DataDecl, fileShape: SpecStepOptions['fileShape']): number[] | undefined {
  if (data.kind === 'generator') return [data.trajectories, data.snapshots, ...snapshotShape(data)];
  if (!fileShape) return undefined;
  const [n = 0, ...rest] = fileShape(data.path);
  return [trainingCount(n, data.testTrajectories, data.path), ...rest];
}
