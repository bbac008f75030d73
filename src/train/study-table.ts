// A study's results gathered over seeds: one row per cell (the aggregate's
// mean ± std over the seeds, median, extremes), as Markdown and CSV, and the
// metric's rollout curve over the seeds for each cell's plot.
import type * as A from '../dsl/ast.js';
import { spread } from '../math/spread.js';
import type { MetricCurve } from './rollout-eval.js';

/** What one seed of a cell left: its aggregate and curve, or why it has none. */
export type SeedResult =
  | { status: 'done'; seed: number; aggregate: number; curve: number[] }
  | { status: 'failed'; seed: number; message: string };

export interface CellRow {
  cell: A.StudyCell;
  /** Finished seeds (done or failed), in seed order. */
  seeds: SeedResult[];
}

interface Stats {
  n: number;
  mean: number;
  std: number;
  median: number;
  min: number;
  max: number;
}

/** Over the seeds that finished with a number; a diverged rollout's inf or NaN counts, and shows. */
function stats(row: CellRow): Stats | undefined {
  const xs = row.seeds.flatMap((s) => (s.status === 'done' ? [s.aggregate] : []));
  if (!xs.length) return undefined;
  const s = spread(xs);
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { n: xs.length, mean: s.mean, std: s.std, median, min: s.min, max: s.max };
}

export function aggregateName(r: A.StudyReport): string {
  return `${r.aggregate === 'mean' ? 'mean' : 'gmean'} ${r.metric} 1-${r.upTo}`;
}

export function tableMd(study: A.StudyDecl, rows: readonly CellRow[], spec: string): string {
  const agg = aggregateName(study.report);
  const head = ['cell', ...study.axes.map((a) => a.path), 'seeds', `${agg}: mean ± std`, 'median', 'min', 'max', 'notes'];
  const body = rows.map((r, i) => {
    const s = stats(r);
    const fails = r.seeds.flatMap((x) => (x.status === 'failed' ? [`seed ${x.seed}: ${x.message}`] : []));
    return [
      String(i),
      ...r.cell.values,
      `${r.seeds.length}/${study.seeds}`,
      s ? `${num(s.mean)} ± ${num(s.std, 2)}` : '—',
      s ? num(s.median) : '—',
      s ? num(s.min) : '—',
      s ? num(s.max) : '—',
      fails.join('; ').replace(/\|/g, '\\|'),
    ];
  });
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  const title = `# study ${study.name} (${spec})\n\n${agg}: the ${study.report.aggregate === 'mean' ? 'mean' : 'geometric mean'} of ${study.report.metric} (mean over the test trajectories) over rollout steps 1 to ${study.report.upTo}; mean ± std (ddof 0), median, min and max over the seeds.\n\n`;
  return title + [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n') + '\n';
}

export function tableCsv(study: A.StudyDecl, rows: readonly CellRow[]): string {
  const head = ['cell', 'name', ...study.axes.map((a) => a.path), 'seeds_done', 'seeds_failed', 'mean', 'std', 'median', 'min', 'max', 'values'];
  const body = rows.map((r, i) => {
    const s = stats(r);
    const vals = r.seeds.map((x) => (x.status === 'done' ? csvNumber(x.aggregate) : 'failed')).join(';');
    const failed = r.seeds.filter((x) => x.status === 'failed').length;
    const nums = s ? [s.mean, s.std, s.median, s.min, s.max].map(csvNumber) : ['', '', '', '', ''];
    return [String(i), r.cell.name, ...r.cell.values, String(r.seeds.length - failed), String(failed), ...nums, vals];
  });
  return [head, ...body].map((r) => r.map(csvField).join(',') + '\n').join('');
}

/** The metric per rollout step over a cell's finished seeds: their mean, and min to max as the band. */
export function seedCurve(row: CellRow, metric: string): MetricCurve | undefined {
  const curves = row.seeds.flatMap((s) => (s.status === 'done' ? [s.curve] : []));
  if (!curves.length) return undefined;
  const steps = Math.min(...curves.map((c) => c.length));
  const at = Array.from({ length: steps }, (_, t) => spread(curves.map((c) => c[t]!)));
  return { name: metric, mean: at.map((s) => s.mean), std: at.map((s) => s.std), min: at.map((s) => s.min), max: at.map((s) => s.max), meanUpTo: NaN, gmeanUpTo: NaN };
}

function num(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x).replace('Infinity', 'inf').replace('NaN', 'nan');
  const a = Math.abs(x);
  return x === 0 || (a >= 1e-2 && a < 1e4) ? x.toPrecision(digits) : x.toExponential(digits - 1);
}

function csvNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : String(x).replace('Infinity', 'inf').replace('NaN', 'nan');
}

/** Cell names hold commas: quoted as RFC 4180 says. */
function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
