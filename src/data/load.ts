// Node's entry to data files; kept apart from files.ts so that only the CLI
// pulls in node:fs.
import { readFileSync } from 'node:fs';
import { UserError } from '../dsl/diagnostics.js';
import { parseTrajectoryFile } from './files.js';
import type { Trajectories } from './trajectories.js';

/** Reads, parses (.npy or .json by extension) and checks a trajectory file. */
export function loadTrajectories(path: string): Trajectories {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${(e as Error).message})`);
  }
  return parseTrajectoryFile(path, bytes);
}
