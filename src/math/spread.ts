// Aggregations of metric values: over the test trajectories at one rollout
// step (their mean, which is APEBench's `mean_<metric>`, and its spread), and
// over the first K steps of a rollout curve (APEBench's summaries, one value
// per trained network).

export interface Spread {
  mean: number;
  /** The population standard deviation (numpy's default, ddof 0). */
  std: number;
  min: number;
  max: number;
}

export function spread(values: ArrayLike<number>): Spread {
  const n = values.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    sum += values[i]!;
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / n), min, max };
}

/** The arithmetic mean of curve[0..k-1] (rollout steps 1..k). */
export function meanUpTo(curve: readonly number[], k: number): number {
  return curve.slice(0, k).reduce((a, x) => a + x, 0) / Math.min(k, curve.length);
}

/**
 * exp(mean of log curve[0..k-1]): APEBench's `aggregate_gmean(up_to=k)`,
 * which weighs early and late steps alike although errors grow over decades;
 * a zero value makes it 0, a negative one NaN.
 */
export function gmeanUpTo(curve: readonly number[], k: number): number {
  return Math.exp(curve.slice(0, k).reduce((a, x) => a + Math.log(x), 0) / Math.min(k, curve.length));
}
