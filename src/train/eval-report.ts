// What `tx eval` prints and writes: a compact table of the rollout curves at
// a few steps with their summaries, the whole curves as CSV and JSON (one row
// per step), and a plot of each metric (eval-svg.ts).
import { metricSvg } from './eval-svg.js';
import type { RolloutEvaluation } from './rollout-eval.js';

/** The steps the table shows, besides the last. */
const TABLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

export interface EvalContext {
  spec: string;
  params: string;
  device: string;
  /** What the reference trajectories are, in words. */
  test: string;
}

export function evalTable(e: RolloutEvaluation, o: EvalContext): string {
  const steps = [...new Set([...TABLE_STEPS.filter((s) => s < e.steps), e.steps])];
  const cell = (mean: number, std: number) => `${num(mean)} ± ${num(std, 2)}`;
  const rows: string[][] = [
    ['step', ...e.curves.map((c) => c.name)],
    ...steps.map((s) => [String(s), ...e.curves.map((c) => cell(c.mean[s - 1]!, c.std[s - 1]!))]),
    [`mean 1-${e.upTo}`, ...e.curves.map((c) => num(c.meanUpTo))],
    [`gmean 1-${e.upTo}`, ...e.curves.map((c) => num(c.gmeanUpTo))],
  ];
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  const line = (r: string[]) => r.map((x, j) => (j === 0 ? x.padStart(widths[0]!) : x.padEnd(widths[j]!))).join('   ').trimEnd();
  const head = `${o.spec}: ${e.steps}-step rollouts on ${o.device} from ${o.test}; each metric's mean ± std over the ${e.trajectories} trajectories`;
  return [head, ...rows.map(line), ...e.notes.map((n) => `note: ${n}`)].join('\n') + '\n';
}

/** One row per step: each metric's mean, std, min and max over the trajectories. */
export function evalCsv(e: RolloutEvaluation): string {
  const head = ['step', ...e.curves.flatMap((c) => ['mean', 'std', 'min', 'max'].map((s) => `${c.name}_${s}`))];
  const rows = Array.from({ length: e.steps }, (_, t) => [String(t + 1), ...e.curves.flatMap((c) => [c.mean, c.std, c.min, c.max].map((xs) => csvNumber(xs[t]!)))]);
  return [head, ...rows].map((r) => r.join(',') + '\n').join('');
}

/** The curves by metric; summaries under APEBench's names (gmean_mean_nRMSE, …); a non-finite number is null. */
export function evalJson(e: RolloutEvaluation, o: EvalContext): string {
  const doc = {
    ...o,
    trajectories: e.trajectories,
    steps: e.steps,
    up_to: e.upTo,
    metrics: Object.fromEntries(e.curves.map((c) => [c.name, { mean: c.mean, std: c.std, min: c.min, max: c.max }])),
    summary: Object.fromEntries(e.curves.flatMap((c) => [[`mean_mean_${c.name}`, c.meanUpTo], [`gmean_mean_${c.name}`, c.gmeanUpTo]])),
    notes: e.notes,
  };
  return JSON.stringify(doc, null, 1) + '\n';
}

/** eval.csv, eval.json and eval-<metric>.svg, by file name. */
export function evalFiles(e: RolloutEvaluation, o: EvalContext): { name: string; data: string }[] {
  return [
    { name: 'eval.csv', data: evalCsv(e) },
    { name: 'eval.json', data: evalJson(e, o) },
    // A band's arguments (fourier_nRMSE;0;5;0) are not for file names.
    ...e.curves.map((c) => ({ name: `eval-${c.name.replace(/;/g, '_')}.svg`, data: metricSvg(c, `${o.spec}: ${c.name}, ${e.trajectories} trajectories, ${o.device}`) })),
  ];
}

/** `digits` significant digits; fixed-point where that reads better. */
function num(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x).replace('Infinity', 'inf').replace('NaN', 'nan');
  const a = Math.abs(x);
  if (a >= 10 ** digits && a < 1e4) return x.toFixed(0);
  return x === 0 || (a >= 1e-2 && a < 1e4) ? x.toPrecision(digits) : x.toExponential(digits - 1);
}

/** JS's shortest round-trip form; Python's float() and numpy read nan and inf back. */
function csvNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : String(x).replace('Infinity', 'inf').replace('NaN', 'nan');
}
