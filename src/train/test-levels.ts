// The reference trajectories a trained emulator is judged against after
// training, served one time level at a time so that a long rollout never
// holds a whole trajectory: the same test split as `tx train`'s evaluation
// (evaluate.ts), but a built-in generator's run on for as many steps as asked.
import type { Dataset } from '../data/dataset.js';
import { heldOutLevels } from '../data/generate.js';
import type { Trajectories } from '../data/trajectories.js';
import type * as A from '../dsl/ast.js';
import { UserError } from '../util/diagnostics.js';
import { GENERATED_TEST, testSet } from './evaluate.js';

export interface TestLevels {
  trajectories: number;
  /** Snapshots per trajectory, the initial state included: the spec's test_snapshots, for a generator. */
  snapshots: number;
  /** A generator's go on past `snapshots` for as long as they are read; a file's end there. */
  extendable: boolean;
  /** What they are, in words, for the printout. */
  note: string;
  /** The states at t = 0, 1, 2, …, `[trajectories, ...state]` each. */
  levels(): Iterator<Float64Array>;
}

/** `dataset` is asked for only when the spec reads a data file: a generator's test split needs no training data. */
export function testLevels(decl: A.DataDecl, dataset: () => Dataset): TestLevels {
  if (decl.kind === 'generator') {
    const held = decl.testTrajectories;
    const n = held > 0 ? held : GENERATED_TEST;
    const note = held > 0 ? `${n} held-out trajectories` : `${n} freshly generated trajectories (the spec holds none out: test_trajectories 0)`;
    // Held-out states an `ic file` gave start the reference; fresh ones are the generator's draws.
    const given = () => (decl.ic && held > 0 ? stored(dataset().test).next().value : undefined);
    return { trajectories: n, snapshots: decl.testSnapshots, extendable: true, note, levels: () => heldOutLevels(decl, n, given()) };
  }
  const { data, note } = testSet(decl, dataset());
  return { trajectories: data.shape[0]!, snapshots: data.shape[1]!, extendable: false, note, levels: () => stored(data) };
}

/** Refuses a rollout longer than the reference, saying how long it is. */
export function checkLength(t: TestLevels, steps: number): void {
  if (steps < 1) throw new UserError(`the test trajectories hold ${t.snapshots} snapshot: there is no step to compare`, 'give trajectories of at least 2 snapshots');
  if (t.extendable || steps <= t.snapshots - 1) return;
  throw new UserError(
    `a rollout of ${steps} steps needs reference trajectories of ${steps + 1} snapshots, but the data file's have ${t.snapshots}`,
    `roll out at most ${t.snapshots - 1} steps`,
  );
}

function* stored(t: Trajectories): Generator<Float64Array> {
  const [n, snapshots] = t.shape as [number, number];
  const size = t.shape.slice(2).reduce((a, x) => a * x, 1);
  for (let s = 0; s < snapshots; s++) {
    const level = new Float64Array(n * size);
    for (let i = 0; i < n; i++) level.set(t.data.subarray((i * snapshots + s) * size, (i * snapshots + s + 1) * size), i * size);
    yield level;
  }
}
