// `tx eval`'s measurement: the emulator rolled out from every test
// trajectory's initial state, and at each step t each metric of prediction t
// against snapshot t per trajectory, reduced at once to its mean and spread
// over the trajectories. Predictions are streamed: step t is predicted,
// measured and dropped before step t + 1.
import { channelValues, errorTerm, sampleValue, type Metric } from '../math/metrics.js';
import { largest } from '../math/scaled.js';
import { gmeanUpTo, meanUpTo, spread } from '../math/spread.js';
import { rollout, type Stepper } from './rollout.js';
import type { TestLevels } from './test-levels.js';

/** One metric's rollout curve: at steps 1..T, over the trajectories. */
export interface MetricCurve {
  name: string;
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
  /** Over the first `upTo` steps of `mean`: APEBench's summaries (mean_mean_X, gmean_mean_X). */
  meanUpTo: number;
  gmeanUpTo: number;
}

export interface RolloutEvaluation {
  trajectories: number;
  steps: number;
  upTo: number;
  curves: MetricCurve[];
  /** The first step at which each metric was not finite, and why, in words. */
  notes: string[];
}

/** `onStep` hears of each step once it is scored. */
export async function evaluateRollout(
  stepper: Stepper,
  test: TestLevels,
  snapshot: readonly number[],
  metrics: readonly Metric[],
  steps: number,
  upTo: number,
  onStep: (t: number) => void = () => {},
): Promise<RolloutEvaluation> {
  const n = test.trajectories;
  const size = snapshot.reduce((a, x) => a * x, 1);
  const levels = test.levels();
  const curves = metrics.map((m) => ({ name: m.name, mean: [] as number[], std: [] as number[], min: [] as number[], max: [] as number[] }));
  const notes = new Map<string, string>();
  const sample = (x: Float64Array, i: number) => x.subarray(i * size, (i + 1) * size);
  let t = 0;
  for await (const u of rollout(stepper, levels.next().value!, steps)) {
    t++;
    const r: Float64Array = levels.next().value!;
    metrics.forEach((m, k) => {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const channels = channelValues(m, sample(u, i), sample(r, i), snapshot);
        values[i] = sampleValue(m, channels);
        if (!Number.isFinite(values[i]) && !notes.has(m.name)) notes.set(m.name, whyNotFinite(m, t, i, channels, sample(u, i), sample(r, i), snapshot));
      }
      const s = spread(values);
      const c = curves[k]!;
      c.mean.push(s.mean);
      c.std.push(s.std);
      c.min.push(s.min);
      c.max.push(s.max);
    });
    onStep(t);
  }
  const k = Math.min(upTo, steps);
  return {
    trajectories: n,
    steps,
    upTo: k,
    curves: curves.map((c) => ({ ...c, meanUpTo: meanUpTo(c.mean, k), gmeanUpTo: gmeanUpTo(c.mean, k) })),
    notes: [...notes.values()],
  };
}

/**
 * A zero reference channel makes the normalised metrics infinite; a diverged
 * prediction makes every metric so, either as it is not finite or as the
 * error's aggregate lies beyond float64 (its squares are summed scaled, so
 * that happens only where the answer itself does).
 */
function whyNotFinite(m: Metric, t: number, i: number, channels: Float64Array, u: Float64Array, r: Float64Array, snapshot: readonly number[]): string {
  const c = channels.findIndex((x) => !Number.isFinite(x));
  const points = r.length / snapshot[0]!;
  const part = (x: Float64Array) => x.subarray(c * points, (c + 1) * points);
  const error = errorTerm(m);
  const why = !part(u).every(Number.isFinite)
    ? 'the prediction is not finite'
    : part(r).every((x) => x === 0)
      ? 'the reference channel is zero'
      : error && !Number.isFinite(channelValues(error, u, r, snapshot)[c])
        ? `the error's aggregate exceeds float64's range (the prediction reaches ${largest(part(u)).toPrecision(3)})`
        : 'a norm is zero';
  return `${m.name} is ${channels[c]} at step ${t} (its first), trajectory ${i}, channel ${c}: ${why}`;
}
