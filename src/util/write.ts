// Writing output files with the guarantees users rely on: a file is never left
// half-written (temporary file beside it, then rename), a failed write is a
// UserError that leaves no temporary file, and what the path names already is
// respected: a folder or a device is refused, never replaced by a file.
import { lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from './diagnostics.js';
import { notRegular } from './files.js';
import { processAlive } from './process.js';
import { errnoText as errnoWords } from './errno.js';

/** Why a write or a folder creation failed, in words. */
export function errnoText(e: unknown): string {
  return errnoWords(e, 'a folder on the path does not exist and cannot be created');
}

/**
 * The calls a failing disk breaks. Tests replace them to simulate a read-only
 * or full file system, which cannot be made portably (root ignores chmod).
 */
export const writeOps = { writeFileSync, renameSync };

/** A name only txc makes, so that sweeping dead runs' files never touches another tool's. */
const TEMP = /^\..+\.txc-(\d+)\.tmp$/;

export function tempPath(path: string, pid = process.pid): string {
  return join(dirname(path), `.${basename(path)}.txc-${pid}.tmp`);
}

/** Creates `dir` and its parents where missing; a failure says which folder and why. */
export function ensureFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot create the folder ${dir}: ${errnoText(e)}`);
  }
}

export function writeAtomic(path: string, data: string | Uint8Array): void {
  const target = writableTarget(path);
  const dir = dirname(target);
  ensureFolder(dir);
  removeStaleTemps(dir);
  const tmp = tempPath(target);
  try {
    writeOps.writeFileSync(tmp, data);
    writeOps.renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UserError(`cannot write ${path}: ${errnoText(e)}`, 'choose another output path, or free space on its disk');
  }
}

/** Where writing `path` lands: itself, or the regular file a symbolic link points at (the link is kept). */
function writableTarget(path: string): string {
  let link, stats, real;
  try {
    link = lstatSync(path, { throwIfNoEntry: false });
    if (!link) return path;
    stats = link.isSymbolicLink() ? statSync(path, { throwIfNoEntry: false }) : link;
    real = stats && link.isSymbolicLink() ? realpathSync(path) : path;
  } catch (e) {
    // A part of the path that is a file (ENOTDIR), a loop of links, no permission.
    throw new UserError(`cannot write ${path}: ${errnoText(e)}`, 'give the path of a file to create or replace');
  }
  if (!stats) throw new UserError(`cannot write ${path}: it is a symbolic link to nothing`, 'remove the link, or give another output path');
  const why = notRegular(stats);
  if (why) throw new UserError(`cannot write ${path}: ${why}`, 'give the path of a file to create or replace; without -o/--output the result goes to standard output');
  return real;
}

const swept = new Set<string>();

/**
 * Temporary files of runs that died mid-write (SIGKILL, power loss). Those of
 * live processes may be half-written right now and are left alone. Once per
 * folder per process: a run writes its folder many times.
 */
export function removeStaleTemps(dir: string): void {
  if (swept.has(dir)) return;
  swept.add(dir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // the write that follows reports what is wrong with the folder
  }
  for (const name of names) {
    const pid = TEMP.exec(name)?.[1];
    if (pid !== undefined && !processAlive(Number(pid))) rmSync(join(dir, name), { force: true });
  }
}
