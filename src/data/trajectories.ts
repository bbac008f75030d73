// The one in-memory form of data, whatever its origin (generator, .npy, .json).
import { UserError } from '../util/diagnostics.js';

/** `[trajectories, snapshots, channels, ...space]` row-major (Lorenz-63: `[trajectories, snapshots, 3]`). */
export interface Trajectories {
  shape: number[];
  data: Float64Array;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The multi-index of a flat row-major offset, for messages that point at one entry. */
export function unravel(offset: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    idx[d] = offset % size;
    offset = Math.floor(offset / size);
  }
  return idx;
}

/** The part of checkTrajectories a file's header can answer: the shape, as text for messages. */
export function checkTrajectoryShape(dims: readonly number[], source: string): string {
  const shape = `[${dims.join(', ')}]`;
  if (dims.length < 3) {
    throw new UserError(
      `${source}: shape ${shape} has ${dims.length} dimension(s); trajectories need at least 3`,
      'lay the array out as [trajectories, snapshots, channels, ...space]',
    );
  }
  if (!dims.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new UserError(`${source}: shape ${shape} must be positive integers`);
  }
  return shape;
}

/**
 * Throws a UserError naming `source` unless `t` is usable training data: at
 * least [trajectories, snapshots, channels], positive integer dims, as many
 * numbers as the shape says, and every number finite.
 */
export function checkTrajectories(t: Trajectories, source: string): Trajectories {
  const shape = checkTrajectoryShape(t.shape, source);
  if (t.data.length !== sizeOf(t.shape)) {
    throw new UserError(`${source}: shape ${shape} needs ${sizeOf(t.shape)} numbers but the data has ${t.data.length}`);
  }
  const bad = t.data.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) {
    throw new UserError(`${source}: entry [${unravel(bad, t.shape).join(', ')}] is ${t.data[bad]}; data must be finite`);
  }
  return t;
}

/** The last `count` trajectories held out for evaluation, the rest for training. */
export function splitHeldOut(t: Trajectories, count: number, source: string): { train: Trajectories; test: Trajectories } {
  const n = t.shape[0] ?? 0;
  trainingCount(n, count, source);
  const per = sizeOf(t.shape.slice(1));
  const cut = (n - count) * per;
  return {
    train: { shape: [n - count, ...t.shape.slice(1)], data: t.data.slice(0, cut) },
    test: { shape: [count, ...t.shape.slice(1)], data: t.data.slice(cut) },
  };
}

/** The trajectories left for training when `count` of `n` are held out; at least one must be. */
export function trainingCount(n: number, count: number, source: string): number {
  if (!Number.isInteger(count) || count < 0 || count >= n)
    throw new UserError(`${source}: cannot hold out ${count} of ${n} trajectories; at least one must remain for training`);
  return n - count;
}
