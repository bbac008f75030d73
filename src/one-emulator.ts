// A file that names several emulators, seen as the file that declares only
// one of them: the spec with that emulator alone, checked again, since the
// front end checks shapes against the file's first emulator only. What
// `tx train` trains for each, what a one-emulator command works on, and what
// each one's goldens hold.
import type * as A from './dsl/ast.js';
import { checkParsed, type Frontend } from './frontend.js';

/** `dataShape`: as for `frontend`, a data file's per-snapshot shape. */
export function withEmulator(fe: Frontend, e: A.NamedEmulator, dataShape?: (path: string) => readonly number[]): Frontend {
  // The source keys a run's checkpoints: one emulator's never resumes another's (as a study cell's source says its cell).
  const spec = { ...fe.spec, emulators: [e], emulator: e.decl, ...(fe.spec.emulators.length > 1 && { source: `${fe.spec.source}\n# emulator ${e.name}\n` }) };
  delete spec.study;
  return checkParsed({ spec, diagnostics: [] }, dataShape);
}
