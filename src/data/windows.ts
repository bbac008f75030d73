// Samples for training: windows cut out of trajectories (Trainax's
// TrajectorySubStacker) and the order they are visited in (its
// PermutationMixer). Windows are addressed, never materialised: overlapping
// windows would copy each snapshot up to W times, and the GPU runtime gathers
// from the resident trajectories with the same index arithmetic.
import { UserError } from '../util/diagnostics.js';
import { Rng } from './rng.js';
import { sizeOf, type Trajectories } from './trajectories.js';

/**
 * How many windows of `length` snapshots the trajectories `[n, T, ...]` give:
 * with sub-stacking every start 0..T-length of every trajectory,
 * n (T - length + 1); without, only the window at 0 of each, n.
 */
export function windowCount(shape: readonly number[], length: number, substack = true): number {
  const [n = 0, snapshots = 0] = shape;
  if (!Number.isInteger(length) || length < 1 || length > snapshots) {
    throw new UserError(
      `a window of ${length} snapshots does not fit trajectories of ${snapshots} snapshots`,
      'use a shorter rollout or longer trajectories',
    );
  }
  return n * windowsPerTrajectory(snapshots, length, substack);
}

/** Windows one trajectory of `snapshots` gives: every start with sub-stacking, the one at 0 without. */
export function windowsPerTrajectory(snapshots: number, length: number, substack: boolean): number {
  return substack ? snapshots - length + 1 : 1;
}

/** The largest minibatch of a run: its batch, or all the windows where they are fewer (see minibatches). */
export function largestBatch(batch: number, shape: readonly number[], length: number, substack = true): number {
  return Math.min(batch, windowCount(shape, length, substack));
}

/**
 * Which trajectory and first snapshot sample `s` is. Trajectory-major, as
 * Trainax concatenates each trajectory's windows in turn.
 */
export function windowOrigin(
  shape: readonly number[],
  sample: number,
  length: number,
  substack = true,
): { trajectory: number; start: number } {
  const count = windowCount(shape, length, substack);
  if (!Number.isInteger(sample) || sample < 0 || sample >= count) {
    throw new RangeError(`window ${sample} out of range: there are ${count}`);
  }
  if (!substack) return { trajectory: sample, start: 0 };
  const perTrajectory = shape[1]! - length + 1;
  return { trajectory: Math.floor(sample / perTrajectory), start: sample % perTrajectory };
}

/** The windows `indices` of `traj` stacked: `[indices.length, length, ...state]`. */
export function gatherWindows(
  traj: Trajectories,
  indices: readonly number[],
  length: number,
  substack = true,
): Trajectories {
  const stateSize = sizeOf(traj.shape.slice(2));
  const windowSize = length * stateSize;
  const data = new Float64Array(indices.length * windowSize);
  indices.forEach((sample, b) => {
    const { trajectory, start } = windowOrigin(traj.shape, sample, length, substack);
    const from = (trajectory * traj.shape[1]! + start) * stateSize;
    data.set(traj.data.subarray(from, from + windowSize), b * windowSize);
  });
  return { shape: [indices.length, length, ...traj.shape.slice(2)], data };
}

/**
 * `steps` minibatches of sample indices. Each epoch draws a fresh permutation
 * of 0..numSamples-1 and walks it in slices of `batch`; an epoch's last slice
 * is shorter when `batch` does not divide `numSamples` (it is not topped up
 * from the next epoch), and a batch larger than the data is the whole data.
 */
export function* minibatches(numSamples: number, batch: number, steps: number, seed: number): Generator<number[]> {
  if (!Number.isInteger(numSamples) || numSamples < 1) throw new UserError(`there are no training samples (${numSamples})`);
  if (!Number.isInteger(batch) || batch < 1) throw new UserError(`batch must be an integer >= 1, got ${batch}`);
  const rng = new Rng(seed);
  let order: number[] = [];
  let at = numSamples;
  for (let step = 0; step < steps; step++) {
    if (at >= numSamples) {
      order = rng.permutation(numSamples);
      at = 0;
    }
    yield order.slice(at, at + batch);
    at += batch;
  }
}

/** Minibatches per epoch and epochs needed for `steps` minibatches (Trainax's PermutationMixer counts). */
export function epochs(numSamples: number, batch: number, steps: number): { perEpoch: number; epochs: number } {
  const perEpoch = Math.ceil(numSamples / Math.min(batch, numSamples));
  return { perEpoch, epochs: Math.ceil(steps / perEpoch) };
}
