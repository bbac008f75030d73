// The front end in one call: text → checked AST and every diagnostic.
import type { Spec } from './ast.js';
import { Checker } from './check.js';
import type { Diagnostic, Span } from '../util/diagnostics.js';
import { diagnosticAt } from '../util/diagnostics.js';
import { LIMITS_HINT, MAX_DIAGNOSTICS, MAX_NESTING, MAX_SOURCE_CHARS } from './limits.js';
import { parseCst } from './parser.js';
import { toSyntax } from './syntax.js';
import { tokenSpan } from './syntax.js';
import type { IToken } from 'chevrotain';

export interface Parsed {
  spec: Spec;
  diagnostics: Diagnostic[];
}

export function parseSpec(source: string, file = '<input>'): Parsed {
  if (source.length > MAX_SOURCE_CHARS) {
    const message = `this file has ${source.length} characters; txc reads specs of at most ${MAX_SOURCE_CHARS} (256 KiB)`;
    return refused(source, file, diagnosticAt(file, spanAt(source, MAX_SOURCE_CHARS), message, `a spec this long is not one experiment: split it into files; ${LIMITS_HINT}`));
  }
  const { cst, tooDeep, lexErrors, parseErrors } = parseCst(source);
  if (!cst) {
    const message = `${tooDeep!.what}; txc reads specs nested at most ${MAX_NESTING} deep`;
    return refused(source, file, diagnosticAt(file, tokenSpan(tooDeep!.token), message, `flatten the spec; ${LIMITS_HINT}`));
  }
  const diagnostics: Diagnostic[] = [];
  for (const e of lexErrors) {
    const ch = source.slice(e.offset, e.offset + e.length);
    diagnostics.push(diagnosticAt(file, e, `unexpected character '${ch}'`, strayHint(source, e.offset, ch)));
  }
  for (const e of parseErrors) diagnostics.push(syntaxError(file, e.token, e.previous, e.message, e.rule));
  const checker = new Checker(file, source);
  const spec = checker.check(toSyntax(cst));
  for (const d of checker.diagnostics) diagnostics.push(d);
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { spec, diagnostics: capped(diagnostics) };
}

/** `points: 32`, as YAML or JSON write a setting, gets the form a block takes. */
function strayHint(source: string, offset: number, ch: string): string {
  const key = /([A-Za-z_][A-Za-z0-9_]*)[ \t]*$/.exec(source.slice(0, offset))?.[1];
  const value = /^[ \t]*([^\s{}#]+)/.exec(source.slice(offset + 1))?.[1];
  if (ch === ':' && key) return `write \`${key} ${value ?? '…'}\` (no colon): a block's settings are key value pairs`;
  return "'#' starts a comment; names use letters, digits and '_'";
}

/** A file too large or too deep to read: its one diagnostic, and an empty spec. */
function refused(source: string, file: string, d: Diagnostic): Parsed {
  return { spec: new Checker(file, source).check([]), diagnostics: [d] };
}

/** The first MAX_DIAGNOSTICS, then one that counts the rest: enough to act on. */
function capped(ds: Diagnostic[]): Diagnostic[] {
  if (ds.length <= MAX_DIAGNOSTICS) return ds;
  const rest = ds[MAX_DIAGNOSTICS]!;
  const more = `${ds.length - MAX_DIAGNOSTICS} more errors from here on are not shown`;
  return [...ds.slice(0, MAX_DIAGNOSTICS), { ...rest, message: more, hint: 'fix the ones above first' }];
}

function spanAt(source: string, offset: number): Span {
  let line = 1;
  let start = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { offset, line, column: offset - start + 1, length: 1 };
}

/** What the user was in the middle of writing, by the grammar rule that failed. */
const EXPECTED: Record<string, [string, string]> = {
  spec: ['a statement', 'a file is a list of statements: data, emulator, reference, residuum, config, train, study'],
  statement: ['a statement', 'a file is a list of statements: data, emulator, reference, residuum, config, train, study'],
  configBody: ['a configuration', 'e.g. config supervised rollout 2, or config composite { 0.5 * supervised  0.5 * residuum }'],
  compositePart: ['a weighted part', 'e.g. 0.7 * supervised rollout 1'],
  block: ["a setting or '}'", 'settings are written as: { key value  key value }'],
  setting: ['a setting', 'settings are written as: key value'],
  value: ['a value', 'a number, a word, a "string" or a [list]'],
  list: ["a list item or ']'", 'e.g. [0, 0, 1]'],
  listItem: ['a list item', 'e.g. [0, 0, 1] or [emulator 2, reference 1]'],
  signedNumber: ['a number', 'e.g. 2 or -0.75'],
  expr: ['an expression', 'e.g. u - c * (u - shift(u, 1))'],
  term: ['an expression', 'e.g. u - c * (u - shift(u, 1))'],
  factor: ['an expression', 'e.g. u - c * (u - shift(u, 1))'],
  argument: ['an argument', 'e.g. shift(u, 1), shift(u, 1, axis 0) or shift(u, [0, 1])'],
  stepper: ['a stepper', 'e.g. reference advection1d { cfl 0.5 } or reference fou(u) = u - c * (u - shift(u, 1)) where c = 0.5'],
  whereClause: ['a constant', 'e.g. where c = 0.5, d = 2'],
  binding: ['a constant', 'e.g. where c = 0.5'],
  studyStmt: ["a study item or '}'", 'e.g. study s { vary emulator [small, large]  seeds 3  report nRMSE geometric_mean up to 100 }'],
  studyItem: ['a study item', 'vary PATH [values], seeds N or report METRIC mean|geometric_mean up to K'],
  path: ['what to vary', 'e.g. vary emulator [a, b], vary lr [1e-3, 3e-4], vary data.gamma [0.05, 0.1]'],
};

function syntaxError(file: string, token: IToken, previous: IToken | undefined, raw: string, rule: string | undefined): Diagnostic {
  const atEnd = token.tokenType.name === 'EOF' || !Number.isFinite(token.startOffset);
  const anchor = atEnd && previous && Number.isFinite(previous.startOffset) ? previous : token;
  const span = Number.isFinite(anchor.startOffset) ? tokenSpan(anchor) : { offset: 0, line: 1, column: 1, length: 1 };
  const found = atEnd ? 'the end of the file' : `'${token.image}'`;
  // A single expected token reads best as itself ("expected '}'").
  const single = /Expecting (?:token of type )?--> (.*?) <--/.exec(raw)?.[1];
  const [what, hint] = EXPECTED[rule ?? 'spec'] ?? EXPECTED['spec']!;
  const expected = single ? (single === 'Identifier' ? 'a name' : single === 'Number' ? 'a number' : single) : what;
  return diagnosticAt(file, span, `expected ${expected} but found ${found}`, hint);
}
