// A failed file operation's error code in words, for the UserErrors of
// reading (files.ts) and writing (write.ts) alike.

/** `missing`: what ENOENT means here (a file to read, a folder to write into). */
export function errnoText(e: unknown, missing = 'no such file'): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return missing;
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'the disk quota is exhausted';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a part of the path is a file, not a folder';
    case 'ELOOP':
      return 'its symbolic links form a loop';
    default:
      return (e as Error).message;
  }
}
