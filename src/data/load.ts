// Node's entry to data files; kept apart from files.ts so that only the CLI
// pulls in node:fs. A .npy is judged by its header against the file's real
// size before its data is read; JSON is read whole, up to a limit.
import { UserError } from '../util/diagnostics.js';
import { MAX_TEXT_BYTES, readBytes, readRange, regularFileSize } from '../util/files.js';
import { DATA_EXTENSIONS, parseTrajectoryFile } from './files.js';
import { NPY_HEAD_BYTES, readNpyHeader } from './npy.js';
import type { Trajectories } from './trajectories.js';

/** Reads, parses (.npy or .json by extension) and checks a trajectory file. */
export function loadTrajectories(path: string): Trajectories {
  const lower = path.toLowerCase();
  if (lower.endsWith('.npy')) {
    const size = regularFileSize(path);
    readNpyHeader(readRange(path, 0, Math.min(size, NPY_HEAD_BYTES)), size, path);
    return parseTrajectoryFile(path, readRange(path, 0, size));
  }
  if (lower.endsWith('.json')) return parseTrajectoryFile(path, readBytes(path, MAX_TEXT_BYTES, 'save large data as .npy (np.save)'));
  throw new UserError(`${path}: unknown data format; txc reads ${DATA_EXTENSIONS.join(' and ')} files`);
}
