// Parse and check, as every caller does it: the front end (frontend.ts) with
// the one thing callers differ in, the data file's shape. Node reads the file
// at its path; a page has only the file the user picked, and before that the
// spec waits for it instead of failing.
import { parseSpec } from '../dsl/index.js';
import type { Frontend } from '../frontend.js';
import { checkParsed } from '../frontend.js';
import { UserError, diagnosticAt, hasErrors } from '../util/diagnostics.js';

export interface Checked extends Frontend {
  /** The spec reads `data file PATH` and the caller has no file for it yet: no programs, and no error either. */
  needsFile?: string;
}

/**
 * `dataShape(path)`: the per-snapshot shape of the data file a spec names,
 * undefined while there is none. A UserError it throws (a file that cannot be
 * read) becomes a diagnostic at the data statement, so the message says which
 * line of which spec named it.
 */
export function checkSpec(source: string, file: string, dataShape: (path: string) => readonly number[] | undefined = () => undefined): Checked {
  const parsed = parseSpec(source, file);
  const { spec, diagnostics } = parsed;
  const data = spec.data;
  if (data?.kind !== 'file' || hasErrors(diagnostics)) return checkParsed(parsed);
  let shape: readonly number[] | undefined;
  try {
    shape = dataShape(data.path);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    diagnostics.push(diagnosticAt(file, data.span, e.message, e.hint));
    return { spec, diagnostics, programs: [] };
  }
  if (!shape) return { spec, diagnostics, programs: [], needsFile: data.path };
  return checkParsed(parsed, () => shape);
}
