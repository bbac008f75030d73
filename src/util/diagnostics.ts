// Diagnostics are data (esbuild's idea): one shape for errors found anywhere in
// the compiler, printed for people by `format` and serialised as JSON for tools.

export interface Span {
  /** 0-based character offset of the first character. */
  offset: number;
  /** 1-based line and column, as editors count them. */
  line: number;
  column: number;
  /** Characters covered; at least 1 so a caret is always drawn. */
  length: number;
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  length: number;
  message: string;
  hint?: string;
}

/** Thrown for a user's mistake found outside the parser (bad files, bad flags). */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message);
  }
}

export function diagnosticAt(
  file: string,
  span: Span,
  message: string,
  hint?: string,
  severity: Diagnostic['severity'] = 'error',
): Diagnostic {
  const d: Diagnostic = {
    severity,
    file,
    line: span.line,
    column: span.column,
    length: Math.max(1, span.length),
    message,
  };
  if (hint !== undefined) d.hint = hint;
  return d;
}

/** `file:line:col: error: message`, the source line, a caret under the span, a hint. */
export function formatDiagnostic(d: Diagnostic, source: string | undefined): string {
  const out = [`${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`];
  const lineText = source === undefined ? undefined : linesOf(source)[d.line - 1];
  if (lineText !== undefined) {
    const gutter = String(d.line).padStart(4);
    const width = Math.max(1, Math.min(d.length, lineText.length - d.column + 1));
    out.push(`${gutter} | ${lineText}`);
    out.push(`${' '.repeat(gutter.length)} | ${' '.repeat(d.column - 1)}${'^'.repeat(width)}`);
  }
  if (d.hint) out.push(`  hint: ${d.hint}`);
  return out.join('\n');
}

// Diagnostics of one file are printed one after another: split it once.
let lastSplit: { source: string; lines: string[] } | undefined;
function linesOf(source: string): string[] {
  if (lastSplit?.source !== source) lastSplit = { source, lines: source.split(/\r?\n/) };
  return lastSplit.lines;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
