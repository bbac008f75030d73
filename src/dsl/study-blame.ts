// Where a study cell's diagnostic points. A cell is the file with its vary
// values written in, so a mistake a value causes (a rollout too long for the
// varied snapshots, grid sizes a unet cannot halve) is found at the statement
// the checker was looking at. It belongs at the value: the one whose
// neighbours along its axis (the same cell with another value there) do not
// give it. Emulator and configuration axes pick statements rather than write
// values, so a mistake of the statement picked stays on its own line. An
// axis of one value has no neighbours: where the caller can re-check a cell
// with the file's own value on that axis (`without`), that stands in.
import type { StudyAxis } from './ast.js';
import type { Diagnostic, Span } from '../util/diagnostics.js';

const keyOf = (d: { line: number; column: number; message: string }): string => `${d.line}:${d.column}:${d.message}`;

/** Whether an axis writes values into statements (lr, data.points) rather than picking one (emulator, config). */
const writesValues = (path: string): boolean => path !== 'emulator' && path !== 'config';

/**
 * Each cell's diagnostics (cells in product order, the last axis fastest)
 * once over the study, those in `known` (the file's own) left out, each at
 * the vary value it comes from where there is one.
 */
export function cellDiagnostics(
  study: { axes: readonly Pick<StudyAxis, 'path' | 'valueSpans'>[]; span: Span; source: string },
  cells: readonly (readonly Diagnostic[])[],
  known: readonly Diagnostic[],
  without?: (choice: readonly number[], axis: number) => readonly Diagnostic[],
): Diagnostic[] {
  const axes = study.axes;
  const keys = cells.map((ds) => new Set(ds.map(keyOf)));
  const sizes = axes.map((a) => a.valueSpans.length);
  const reported = new Set(known.map(keyOf));
  const out: Diagnostic[] = [];
  cells.forEach((ds, i) => {
    const choice = choiceOf(i, sizes);
    for (const d of ds) {
      if (reported.has(keyOf(d))) continue;
      // One at a vary path or value is where it belongs already.
      const at = offsetOf(study.source, d.line, d.column);
      const inStudy = at >= study.span.offset && at < study.span.offset + study.span.length;
      const span = inStudy ? undefined : valueCausing(keyOf(d), choice, axes, (c) => keys[indexOf(c, sizes)]!, without);
      const moved = span ? { ...d, line: span.line, column: span.column, length: span.length } : d;
      if (reported.has(keyOf(moved))) continue;
      reported.add(keyOf(moved));
      out.push(moved);
    }
  });
  return out;
}

function valueCausing(
  key: string,
  choice: readonly number[],
  axes: readonly Pick<StudyAxis, 'path' | 'valueSpans'>[],
  keysOf: (choice: number[]) => Set<string>,
  without?: (choice: readonly number[], axis: number) => readonly Diagnostic[],
): Span | undefined {
  for (let k = 0; k < axes.length; k++) {
    const spans = axes[k]!.valueSpans;
    if (!writesValues(axes[k]!.path)) continue;
    const gone =
      spans.length > 1
        ? spans.some((_, j) => j !== choice[k] && !keysOf(choice.map((v, a) => (a === k ? j : v))).has(key))
        : without !== undefined && !without(choice, k).some((e) => keyOf(e) === key);
    if (gone) return spans[choice[k]!];
  }
  return undefined;
}

function choiceOf(index: number, sizes: readonly number[]): number[] {
  const choice = new Array<number>(sizes.length);
  for (let a = sizes.length - 1, rest = index; a >= 0; a--) {
    choice[a] = rest % sizes[a]!;
    rest = Math.floor(rest / sizes[a]!);
  }
  return choice;
}

function indexOf(choice: readonly number[], sizes: readonly number[]): number {
  return choice.reduce((i, v, a) => i * sizes[a]! + v, 0);
}

/** The offset of a 1-based line and column in `source`. */
function offsetOf(source: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = source.indexOf('\n', offset) + 1;
  return offset + column - 1;
}
