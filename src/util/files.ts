// Reading the files users name (specs, data, parameters, checkpoints) so that
// no path can hang or exhaust memory: what the path is and how big it is are
// checked before a byte is read, and every refusal is a UserError naming it.
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { UserError } from './diagnostics.js';
import { errnoText } from './errno.js';

const MiB = 1024 * 1024;

/** The largest text (spec, JSON) read whole: far above any real spec or parameter file, far below V8's string limit (~512 MiB). */
export const MAX_TEXT_BYTES = 256 * MiB;

/** Bytes as a person reads them in a limit message. */
export function sizeText(bytes: number): string {
  return bytes >= MiB ? `${(bytes / MiB).toFixed(bytes % MiB ? 1 : 0)} MiB` : `${bytes} bytes`;
}

/** What `stats` is, when it is not a file we read. */
export function notRegular(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'it is a directory';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'it is a device, not a regular file';
  if (stats.isFIFO()) return 'it is a pipe (FIFO), not a regular file';
  return 'it is not a regular file';
}

/** The size of the regular file at `path` (symbolic links followed), or a UserError saying why it cannot be read. */
export function regularFileSize(path: string): number {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${errnoText(e)}`);
  }
  const why = notRegular(stats);
  if (why) throw new UserError(`cannot read ${path}: ${why}`, 'give the path of an ordinary file');
  return stats.size;
}

/**
 * Up to `length` bytes of `path` from `start`. The file is checked again once
 * open, so a path swapped for a device between the checks is still refused.
 */
export function readRange(path: string, start: number, length: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${errnoText(e)}`);
  }
  try {
    const why = notRegular(fstatSync(fd));
    if (why) throw new UserError(`cannot read ${path}: ${why}`);
    const out = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, out, got, length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return out.subarray(0, got);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${path}: ${errnoText(e)}`);
  } finally {
    closeSync(fd);
  }
}

/** A whole regular file of at most `limit` bytes; `limitHint` says what to do about a bigger one. */
export function readBytes(path: string, limit = MAX_TEXT_BYTES, limitHint?: string): Uint8Array {
  const size = regularFileSize(path);
  if (size > limit) throw new UserError(`cannot read ${path}: it is ${sizeText(size)}; txc reads files of at most ${sizeText(limit)} of this kind`, limitHint);
  return readRange(path, 0, size);
}

export function readText(path: string): string {
  return new TextDecoder().decode(readBytes(path, MAX_TEXT_BYTES));
}
