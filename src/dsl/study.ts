// A `study` statement: the grid of runs it names. Each cell is the file with
// one value per `vary` written into the syntax tree and checked again, so a
// value the cell's block would refuse (`vary lr [1e-3, -1]`, `vary data.gama`)
// is reported by the checker that owns that block, at the study's line.
import type * as A from './ast.js';
import type { Diagnostic, Span } from '../util/diagnostics.js';
import { UserError } from '../util/diagnostics.js';
import { parseMetric } from '../math/metrics.js';
import { LIMITS_HINT, MAX_COUNT, MAX_STUDY_CELLS, MAX_STUDY_CHECKED_CHARS, MAX_STUDY_SEEDS } from './limits.js';
import { didYouMean } from './suggest.js';
import type { Report, WarningReport } from './settings.js';
import type { RawStatement, RawStudyItem } from './syntax.js';
import { cellStatements, resolveAxis, type Axis } from './study-cells.js';
import { cellDiagnostics } from './study-blame.js';

type RawStudy = Extract<RawStatement, { kind: 'study' }>;

/** The checker run on a cell's statements: its spec and diagnostics. */
export type Recheck = (statements: RawStatement[]) => { spec: A.Spec; diagnostics: Diagnostic[] };

const DEFAULT_REPORT: A.StudyReport = { metric: 'nRMSE', aggregate: 'geometric_mean', upTo: 100 };
const AGGREGATES = ['mean', 'geometric_mean'] as const;

/** `known`: the file's own diagnostics, which its cells repeat. */
export function checkStudy(raw: RawStudy, statements: RawStatement[], spec: A.Spec, report: WarningReport, recheck: Recheck, known: readonly Diagnostic[]): A.StudyDecl | undefined {
  let seeds = 1;
  let rep = DEFAULT_REPORT;
  // A vary already reported wrong is not reported missing as well.
  const tried = new Set<string>();
  const axes: Axis[] = [];
  for (const item of raw.items) {
    if (item.kind === 'vary') {
      tried.add(item.path.map((p) => p.word).join('.'));
      if (axes.some((a) => a.path === item.path.map((p) => p.word).join('.')))
        report.error(item.span, `'${item.path.map((p) => p.word).join('.')}' is varied twice`, 'give all its values in one list');
      else {
        const a = resolveAxis(item, statements, spec, report);
        if (a) axes.push(a);
      }
    } else if (item.key.word === 'seeds') seeds = seedCount(item, report) ?? seeds;
    else if (item.key.word === 'report') rep = reportOf(item, report) ?? rep;
    else report.error(item.key.span, `unknown study item '${item.key.word}'`, didYouMean(item.key.word, ['vary', 'seeds', 'report']));
  }
  if (!tried.size) {
    report.error(raw.name.span, `study '${raw.name.word}' varies nothing`, 'e.g. vary emulator [small, large], vary config [one_step, unrolled], vary lr [1e-3, 3e-4]');
    return undefined;
  }
  if (spec.emulators.length > 1 && !tried.has('emulator'))
    report.error(raw.name.span, `this file declares ${spec.emulators.length} emulators, but study '${raw.name.word}' does not vary them`, `add vary emulator [${spec.emulators.map((e) => e.name).join(', ')}]`);
  if (spec.configs.length > 1 && !tried.has('config'))
    report.error(raw.name.span, `this file declares ${spec.configs.length} configurations, but study '${raw.name.word}' does not vary them`, `add vary config [${spec.configs.map((c) => c.name).join(', ')}]`);
  if (axes.length < tried.size) return undefined;
  const count = axes.reduce((n, a) => n * a.values.length, 1);
  if (count > MAX_STUDY_CELLS || count * spec.source.length > MAX_STUDY_CHECKED_CHARS) {
    const most = Math.min(MAX_STUDY_CELLS, Math.floor(MAX_STUDY_CHECKED_CHARS / spec.source.length));
    report.error(raw.span, `study '${raw.name.word}' has ${count} cells; txc runs at most ${most} of a file this long`, `vary fewer values, or split the study into files; ${LIMITS_HINT}`);
    return undefined;
  }
  const decls = axes.map((a) => ({ path: a.path, values: a.values.map((v) => v.text), valueSpans: a.values.map((v) => v.value.span), span: a.span }));
  const checked = product(axes).map((choice) => cell(choice, axes, statements, recheck));
  // Each cell re-checked at most once per axis of one value, however many diagnostics ask.
  const rechecked = new Map<string, Diagnostic[]>();
  const without = (choice: readonly number[], axis: number) => {
    const c = choice.map((v, k) => (k === axis ? -1 : v));
    const key = c.join(',');
    if (!rechecked.has(key)) rechecked.set(key, recheck(cellStatements(statements, axes, c)).diagnostics);
    return rechecked.get(key)!;
  };
  for (const d of cellDiagnostics({ axes: decls, span: raw.span, source: spec.source }, checked.map((c) => c.diagnostics), known, without))
    report[d.severity]({ offset: 0, line: d.line, column: d.column, length: d.length }, d.message, d.hint);
  return {
    name: raw.name.word,
    axes: decls,
    seeds,
    report: rep,
    cells: checked.map((c) => c.cell),
    span: raw.span,
  };
}

/** Every choice of one value index per axis, the last axis fastest. */
function product(axes: readonly Axis[]): number[][] {
  return axes.reduce<number[][]>((acc, a) => acc.flatMap((c) => a.values.map((_, i) => [...c, i])), [[]]);
}

function cell(choice: number[], axes: readonly Axis[], statements: RawStatement[], recheck: Recheck): { cell: A.StudyCell; diagnostics: Diagnostic[] } {
  const values = choice.map((i, k) => axes[k]!.values[i]!.text);
  const name = axes.map((a, k) => `${a.path}=${values[k]}`).join(',');
  const { spec, diagnostics } = recheck(cellStatements(statements, axes, choice));
  // A cell's runs differ from the file's by the values set; their checkpoints' identity (the source) says so.
  return { cell: { name, values, spec: { ...spec, source: `${spec.source}\n# study cell ${name}\n` } }, diagnostics };
}

function seedCount(item: Extract<RawStudyItem, { kind: 'setting' }>, report: Report): number | undefined {
  const n = item.number?.value;
  if (item.words.length || n === undefined || !Number.isInteger(n) || n < 1 || n > MAX_STUDY_SEEDS) {
    report.error(item.span, `'seeds' expects a whole number from 1 to ${MAX_STUDY_SEEDS}`, 'e.g. seeds 5: each cell trained 5 times, seed offsets 0 to 4');
    return undefined;
  }
  return n;
}

/** `report METRIC AGGREGATE up to K`; the aggregate and `up to K` may be left out. */
function reportOf(item: Extract<RawStudyItem, { kind: 'setting' }>, report: Report): A.StudyReport | undefined {
  const [metric, aggregate, ...rest] = item.words;
  const example = 'e.g. report nRMSE geometric_mean up to 100';
  if (!metric) {
    report.error(item.span, "'report' needs a metric", example);
    return undefined;
  }
  let name: string;
  try {
    name = parseMetric(metric.word).name;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    report.error(metric.span, e.message, e.hint);
    return undefined;
  }
  if (aggregate?.word === 'gmean') aggregate.word = 'geometric_mean';
  if (aggregate && !(AGGREGATES as readonly string[]).includes(aggregate.word)) {
    report.error(aggregate.span, `unknown aggregate '${aggregate.word}'`, didYouMean(aggregate.word, AGGREGATES));
    return undefined;
  }
  const upTo = item.number?.value ?? DEFAULT_REPORT.upTo;
  const tail = rest.map((w) => w.word).join(' ');
  if ((item.number && tail !== 'up to') || (!item.number && tail) || !Number.isInteger(upTo) || upTo < 1 || upTo > MAX_COUNT) {
    report.error(spanOfTail(item), "expected 'up to K' after the aggregate, K a whole number of rollout steps", example);
    return undefined;
  }
  return { metric: name, aggregate: (aggregate?.word as A.StudyReport['aggregate'] | undefined) ?? DEFAULT_REPORT.aggregate, upTo };
}

function spanOfTail(item: Extract<RawStudyItem, { kind: 'setting' }>): Span {
  return item.words[2]?.span ?? item.number?.span ?? item.span;
}
