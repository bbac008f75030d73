// One writer per output folder: two `tx train` runs on one --out would mix
// their files. The lock is a file holding the owner's pid and start time, so
// a refusal can say who holds it, and a lock left by a killed run (its pid no
// longer alive) is taken over. Written here rather than with proper-lockfile:
// that package judges staleness by an mtime a timer keeps fresh, which a long
// blocking GPU step can starve, and it records no owner to name.
import { linkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from './diagnostics.js';
import { readRange } from './files.js';
import { processAlive } from './process.js';
import { ensureFolder, errnoText, tempPath, writeOps } from './write.js';

export const LOCK_FILE = '.tx-lock';

interface Owner {
  pid: number;
  started: string;
  command: string;
}

/** Takes `dir`'s lock until this process exits (or the returned function is called). */
export function lockFolder(dir: string, command: string): () => void {
  ensureFolder(dir);
  const path = join(dir, LOCK_FILE);
  const me: Owner = { pid: process.pid, started: new Date().toISOString(), command };
  if (!tryCreate(path, me)) {
    const owner = readOwner(path);
    // Taken over only from an owner known to be dead: a lock that cannot be read is refused.
    if (!owner || processAlive(owner.pid)) throw inUse(dir, path, owner);
    // Its owner died without releasing it. Two runs taking over the same dead
    // lock in the same instant is the one race this leaves open.
    rmSync(path, { force: true, recursive: true });
    if (!tryCreate(path, me)) throw inUse(dir, path, readOwner(path));
  }
  const release = () => {
    if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
    process.off('exit', release);
  };
  process.on('exit', release);
  return release;
}

function inUse(dir: string, path: string, owner: Owner | undefined): UserError {
  const who = owner ? `${owner.command} (pid ${owner.pid}, started ${owner.started})` : `an owner ${path} does not name (it cannot be read)`;
  return new UserError(
    `${dir} is in use by another run: ${who}`,
    `wait for it to finish or choose another output folder; if no such process is running, delete ${path}`,
  );
}

/**
 * Complete before visible: written aside, then hard-linked into place, which
 * fails if a lock exists. A file system without hard links (exFAT, some
 * network shares) gets an exclusive create instead.
 */
function tryCreate(path: string, owner: Owner): boolean {
  const tmp = tempPath(path);
  const text = JSON.stringify(owner) + '\n';
  try {
    writeOps.writeFileSync(tmp, text);
    try {
      linkSync(tmp, path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
      writeOps.writeFileSync(path, text, { flag: 'wx' });
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new UserError(`cannot create the lock ${path}: ${errnoText(e)}`, 'the output folder must be writable');
  } finally {
    rmSync(tmp, { force: true });
  }
}

function readOwner(path: string): Owner | undefined {
  try {
    const o = JSON.parse(new TextDecoder().decode(readRange(path, 0, 4096))) as Partial<Owner>;
    return Number.isInteger(o.pid) ? { pid: o.pid!, started: String(o.started), command: String(o.command) } : undefined;
  } catch {
    return undefined;
  }
}
