// The rollout metrics of Exponax and APEBench, in float64: one sample is a
// prediction u and a reference r of shape [C, ...space] (D spatial axes,
// extent 1 on each). Every metric is computed per channel, then summed over
// the channels — except `correlation`, which is averaged — because that is
// what APEBench reports (docs/evaluation.md has the definitions). Spatial
// aggregates are means over grid points: A_{p,q}(x) = (mean |x|^p)^q.
import { UserError } from '../util/diagnostics.js';
import { closest } from '../util/suggest.js';
import { fourierAggregate, type Band } from './fourier-metrics.js';
import { largest, scaledPower } from './scaled.js';

/** p and q of each error's aggregate: (mean |x|^p)^q, or its Fourier form. */
const POWERS = { MAE: [1, 1], MSE: [2, 1], RMSE: [2, 0.5] } as const;
type Power = keyof typeof POWERS;

export type Metric =
  | { kind: 'spatial'; name: string; power: Power; form: 'absolute' | 'normalised' | 'symmetric' }
  | { kind: 'fourier'; name: string; power: Power; normalised: boolean; band?: Band; order?: number }
  | { kind: 'h1'; name: string; power: Power; normalised: boolean }
  | { kind: 'correlation'; name: 'correlation' };

/** Every metric's name without arguments, as APEBench spells it. */
export const METRIC_NAMES: readonly string[] = [
  ...(['MAE', 'MSE', 'RMSE'] as const).flatMap((p) => [p, `n${p}`, `s${p}`, `fourier_${p}`, `fourier_n${p}`, `H1_${p}`, `H1_n${p}`]),
  'correlation',
];

/**
 * A metric from its name, case-insensitive, with or without APEBench's
 * `mean_` prefix: `nrmse`, `mean_nRMSE`, `fourier_nRMSE;0;5;0` (band: modes
 * 0 to 5 kept, no derivative; the order is optional), `H1_nMSE`.
 */
export function parseMetric(text: string): Metric {
  const [head = '', ...args] = text.trim().replace(/^mean_/i, '').split(';');
  const name = METRIC_NAMES.find((n) => n.toLowerCase() === head.toLowerCase());
  if (!name) {
    const near = closest(head, METRIC_NAMES);
    throw new UserError(`unknown metric '${text}'`, `${near ? `did you mean '${near}'? ` : ''}the metrics are ${METRIC_NAMES.join(', ')}`);
  }
  if (args.length && !name.startsWith('fourier_'))
    throw new UserError(`metric '${text}': only the fourier_* metrics take arguments (;low;high or ;low;high;order)`);
  if (name === 'correlation') return { kind: 'correlation', name };
  const power = name.replace(/^(fourier_|H1_)?[ns]?/, '') as Power;
  const normalised = /^(fourier_|H1_)?n/.test(name);
  if (name.startsWith('H1_')) return { kind: 'h1', name, power, normalised };
  if (name.startsWith('fourier_')) return { kind: 'fourier', name: [name, ...args].join(';'), power, normalised, ...fourierArgs(text, args) };
  return { kind: 'spatial', name, power, form: normalised ? 'normalised' : name.startsWith('s') ? 'symmetric' : 'absolute' };
}

function fourierArgs(text: string, args: readonly string[]): { band?: Band; order?: number } {
  if (!args.length) return {};
  const nums = args.map(Number);
  if ((args.length !== 2 && args.length !== 3) || !nums.every((x, i) => /^\d+$/.test(args[i]!.trim()) && Number.isSafeInteger(x)))
    throw new UserError(`metric '${text}': expected ;low;high or ;low;high;order with whole numbers >= 0`, "e.g. 'fourier_nRMSE;0;5;0': modes up to 5, no derivative");
  return { band: { low: nums[0]!, high: nums[1]! }, ...(args.length === 3 && { order: nums[2]! }) };
}

/** A metric that cannot be measured on states of `shape` ([C, ...space]) is a UserError. */
export function checkMetric(m: Metric, shape: readonly number[]): void {
  if ((m.kind === 'fourier' || m.kind === 'h1') && shape.length < 2)
    throw new UserError(`metric '${m.name}' needs spatial axes, but the states are [${shape.join(', ')}]`, 'the spatial metrics (nRMSE, …) and correlation apply to any state');
}

/** The metric's value for each channel of one sample, u and r of `shape` [C, ...space]. */
export function channelValues(m: Metric, u: ArrayLike<number>, r: ArrayLike<number>, shape: readonly number[]): Float64Array {
  const channels = shape[0]!;
  const points = u.length / channels;
  const out = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const uc = Float64Array.from({ length: points }, (_, j) => u[c * points + j]!);
    const rc = Float64Array.from({ length: points }, (_, j) => r[c * points + j]!);
    out[c] = channelValue(m, uc, rc, shape.slice(1));
  }
  return out;
}

/**
 * The metric without the norm it divides by (none for correlation): where it
 * is not finite for a finite prediction, the error's aggregate itself lies
 * beyond float64, rather than a norm being zero.
 */
export function errorTerm(m: Metric): Metric | undefined {
  if (m.kind === 'spatial') return { ...m, form: 'absolute' };
  if (m.kind === 'correlation') return undefined;
  return { ...m, normalised: false };
}

/** One sample's value from its channels' (channelValues): their sum, or for correlation their mean. */
export function sampleValue(m: Metric, channels: Float64Array): number {
  const sum = channels.reduce((a, x) => a + x, 0);
  return m.kind === 'correlation' ? sum / channels.length : sum;
}

function channelValue(m: Metric, u: Float64Array, r: Float64Array, space: readonly number[]): number {
  const err = u.map((x, j) => x - r[j]!);
  switch (m.kind) {
    case 'spatial': {
      const [p, q] = POWERS[m.power];
      const a = (x: Float64Array) => spatialAggregate(x, p, q);
      if (m.form === 'absolute') return a(err);
      if (m.form === 'normalised') return a(err) / a(r);
      return (2 * a(err)) / (a(u) + a(r));
    }
    case 'fourier': {
      const [p, q] = POWERS[m.power];
      const f = (x: Float64Array) => fourierAggregate(x, space, p, q, m.band, m.order);
      return m.normalised ? f(err) / f(r) : f(err);
    }
    case 'h1': {
      const [p, q] = POWERS[m.power];
      const f = (x: Float64Array, order?: number) => fourierAggregate(x, space, p, q, undefined, order);
      return m.normalised ? f(err) / f(r) + f(err, 1) / f(r, 1) : f(err) + f(err, 1);
    }
    case 'correlation':
      return correlation(u, r);
    default:
      return m satisfies never;
  }
}

/** (mean over points of |x|^p)^q: extent 1 makes (L/N)^D Σ a mean. */
export function spatialAggregate(x: Float64Array, p: number, q: number): number {
  const m = largest(x);
  let s = 0;
  for (const v of x) s += (Math.abs(v) / m) ** p;
  return scaledPower(m, p, q, s / x.length);
}

/** Pearson's correlation without its means, each field scaled by its largest value first (see scaledPower). */
function correlation(u: Float64Array, r: Float64Array): number {
  const [mu, mr] = [largest(u), largest(r)];
  const us = u.map((x) => x / mu);
  const rs = r.map((x) => x / mr);
  return dot(us, rs) / Math.sqrt(dot(us, us) * dot(rs, rs));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}
