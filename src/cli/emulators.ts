// A file that declares several named emulators trains each of them, one after
// the other, as a file of its own would (one-emulator.ts). The commands that
// work on one emulator take it by name, and never fall back to the first one
// unasked.
import { Option } from 'commander';
import { fileSnapshotShape } from '../data/load.js';
import type { Frontend } from '../frontend.js';
import { withEmulator } from '../one-emulator.js';
import { UserError, hasErrors } from '../util/diagnostics.js';
import { ReportedErrors, reportDiagnostics } from './io.js';

export interface EmulatorRun {
  /** Undefined for a file with one emulator, whose runs keep their plain folder names. */
  name?: string;
  fe: Frontend;
}

/** Every emulator of the file, or the one `name` chooses. */
export function perEmulator(fe: Frontend, name: string | undefined): EmulatorRun[] {
  const all = fe.spec.emulators;
  if (name === undefined && all.length === 1) return [{ fe }];
  const chosen = name === undefined ? all : all.filter((e) => e.name === name);
  if (!chosen.length) throw new UserError(`no emulator named '${name}'`, `this file has: ${all.map((e) => e.name).join(', ')}`);
  return chosen.map((e) => {
    const one = withEmulator(fe, e, fileSnapshotShape(fe.spec.file));
    reportDiagnostics(one.diagnostics, one.spec.source);
    if (hasErrors(one.diagnostics)) throw new ReportedErrors();
    return { name: e.name, fe: one };
  });
}

export function emulatorOption(flags = '-e, --emulator <name>', description = 'the emulator to work on, where the file names several'): Option {
  return new Option(flags, description);
}

/** The file as if it declared only the emulator a one-emulator command works on: the one `name` chooses, or the file's only one. */
export function oneEmulator(fe: Frontend, name: string | undefined, command: string): Frontend {
  const all = fe.spec.emulators;
  if (name === undefined && all.length > 1) throw new UserError(`this file declares ${all.length} emulators (${all.map((e) => e.name).join(', ')}); tx ${command} works on one`, 'choose it with --emulator NAME');
  return perEmulator(fe, name)[0]!.fe;
}
