import { describe, expect, it } from 'vitest';
import { epochs, gatherWindows, minibatches, windowCount, windowOrigin } from '../../src/data/windows.js';

// Trajectories [2, 5, 1, 2]: entry (i, t, 0, x) = 100 i + 10 t + x, so a value
// says where it came from.
const traj = {
  shape: [2, 5, 1, 2],
  data: Float64Array.from({ length: 20 }, (_, f) => 100 * Math.floor(f / 10) + 10 * Math.floor((f % 10) / 2) + (f % 2)),
};

describe('windows', () => {
  it('counts n (T - W + 1) windows with sub-stacking, n without', () => {
    expect(windowCount(traj.shape, 2)).toBe(8);
    expect(windowCount(traj.shape, 5)).toBe(2);
    expect(windowCount(traj.shape, 1)).toBe(10);
    expect(windowCount(traj.shape, 3, false)).toBe(2);
    expect(() => windowCount(traj.shape, 6)).toThrow('a window of 6 snapshots does not fit trajectories of 5 snapshots');
  });

  it('orders windows trajectory by trajectory, start by start', () => {
    expect(windowOrigin(traj.shape, 0, 3)).toEqual({ trajectory: 0, start: 0 });
    expect(windowOrigin(traj.shape, 2, 3)).toEqual({ trajectory: 0, start: 2 });
    expect(windowOrigin(traj.shape, 3, 3)).toEqual({ trajectory: 1, start: 0 });
    expect(windowOrigin(traj.shape, 1, 3, false)).toEqual({ trajectory: 1, start: 0 });
    expect(() => windowOrigin(traj.shape, 6, 3)).toThrow('window 6 out of range: there are 6');
  });

  it('gathers windows [b, W, ...state]', () => {
    const w = gatherWindows(traj, [4, 0], 2);
    // window 4 with W = 2 (4 per trajectory): trajectory 1, start 0.
    expect(w.shape).toEqual([2, 2, 1, 2]);
    expect(Array.from(w.data)).toEqual([100, 101, 110, 111, 0, 1, 10, 11]);
    const last = gatherWindows(traj, [7], 2);
    expect(Array.from(last.data)).toEqual([130, 131, 140, 141]);
    const noStack = gatherWindows(traj, [1], 3, false);
    expect(Array.from(noStack.data)).toEqual([100, 101, 110, 111, 120, 121]);
  });
});

describe('minibatches', () => {
  it('walks a fresh permutation per epoch in slices of batch, the last one shorter', () => {
    // 10 samples, batch 4: slices of 4, 4, 2 per epoch; 7 steps = 2 epochs + 1.
    const batches = [...minibatches(10, 4, 7, 42)];
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2, 4, 4, 2, 4]);
    const epoch1 = batches.slice(0, 3).flat();
    const epoch2 = batches.slice(3, 6).flat();
    expect([...epoch1].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...epoch2].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epoch1).not.toEqual(epoch2);
    expect(epochs(10, 4, 7)).toEqual({ perEpoch: 3, epochs: 3 });
  });

  it('is determined by the seed', () => {
    expect([...minibatches(50, 8, 20, 1)]).toEqual([...minibatches(50, 8, 20, 1)]);
    expect([...minibatches(50, 8, 20, 1)]).not.toEqual([...minibatches(50, 8, 20, 2)]);
  });

  it('a batch larger than the data is the whole data, every step', () => {
    const batches = [...minibatches(5, 32, 3, 0)];
    expect(batches.map((b) => b.length)).toEqual([5, 5, 5]);
    expect(epochs(5, 32, 3)).toEqual({ perEpoch: 1, epochs: 3 });
    expect([...minibatches(5, 2, 0, 0)]).toEqual([]);
  });
});
