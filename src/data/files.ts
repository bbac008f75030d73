// Data files by extension, without touching the file system, so the browser
// build can parse a dropped file the same way the CLI parses a path.
import { UserError } from '../util/diagnostics.js';
import { readJson } from './json.js';
import { readNpy } from './npy.js';
import { checkTrajectories, type Trajectories } from './trajectories.js';

export const DATA_EXTENSIONS = ['.npy', '.json'] as const;

/** Parses and checks a trajectory file's bytes; `name` picks the format and names the file in errors. */
export function parseTrajectoryFile(name: string, bytes: Uint8Array): Trajectories {
  const lower = name.toLowerCase();
  let t: Trajectories;
  if (lower.endsWith('.npy')) t = readNpy(bytes, name);
  else if (lower.endsWith('.json')) t = readJson(new TextDecoder().decode(bytes), name);
  else throw new UserError(`${name}: unknown data format; txc reads ${DATA_EXTENSIONS.join(' and ')} files`);
  return checkTrajectories(t, name);
}
