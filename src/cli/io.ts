// What every command shares: reading a spec, reporting diagnostics the same
// way, writing files atomically, and the exit codes (1: errors in the input,
// 2: bad usage). A user's mistake never reaches a stack trace.
import type { Diagnostic } from '../util/diagnostics.js';
import { UserError, formatDiagnostic, hasErrors } from '../util/diagnostics.js';
import type { Frontend } from '../frontend.js';
import { checkSource } from '../driver/node.js';
import { readText } from '../util/files.js';

export { readText } from '../util/files.js';
export { writeAtomic } from '../util/write.js';

export const EXIT_ERRORS = 1;
export const EXIT_USAGE = 2;

/** Runs the front end on a file; prints diagnostics; throws if there are errors. */
export function loadSpec(path: string, opts: { json?: boolean } = {}): Frontend {
  const source = readText(path);
  const fe = checkSource(source, path);
  reportDiagnostics(fe.diagnostics, source, opts.json);
  if (hasErrors(fe.diagnostics)) throw new ReportedErrors();
  return fe;
}

export function reportDiagnostics(ds: readonly Diagnostic[], source: string, json = false): void {
  if (json) {
    if (ds.length) process.stdout.write(JSON.stringify(ds, null, 2) + '\n');
    return;
  }
  for (const d of ds) process.stderr.write(formatDiagnostic(d, source) + '\n');
  if (hasErrors(ds)) {
    const n = ds.filter((d) => d.severity === 'error').length;
    process.stderr.write(`${n} error${n === 1 ? '' : 's'}\n`);
  }
}

/** Errors already printed; the command only needs to exit with 1. */
export class ReportedErrors extends Error {}

export function selectPrograms(fe: Frontend, name: string | undefined): Frontend['programs'] {
  if (name === undefined) return fe.programs;
  const found = fe.programs.filter((p) => p.config.name === name);
  if (!found.length) throw new UserError(`no configuration named '${name}'`, `this file has: ${fe.programs.map((p) => p.config.name).join(', ')}`);
  return found;
}

/** One configuration: the named one, or the file's only one. */
export function oneProgram(fe: Frontend, name: string | undefined): Frontend['programs'][number] {
  const emus = fe.spec.emulators;
  if (emus.length > 1) throw new UserError(`this file declares ${emus.length} emulators (${emus.map((e) => e.name).join(', ')}); this command takes one`, `tx train ${fe.spec.file} trains each of them in turn (--emulator NAME: one); tx study runs the file's study`);
  const ps = selectPrograms(fe, name);
  if (ps.length > 1) throw new UserError(`this file has ${ps.length} configurations; choose one with --config`, `they are: ${ps.map((p) => p.config.name).join(', ')}`);
  return ps[0]!;
}
