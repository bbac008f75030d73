// File access with the two guarantees users rely on: a missing or unreadable
// file is a clear UserError, and a written file is never left half-written.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../dsl/diagnostics.js';

export function readText(path: string): string {
  return new TextDecoder().decode(readBytes(path));
}

export function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code);
    throw new UserError(`cannot read ${path}: ${why}`);
  }
}

/** Write to a temporary file beside the target, then rename: never a torn file. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
