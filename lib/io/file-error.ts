/**
 * File system failures as FileError ERR_FILE, with the reason in words and
 * the path, so the CLI can print them as they are.
 */
import { CardsealError, FileError } from '../errors.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EBADF: 'bad file descriptor',
};

/** Wraps a node:fs error from `action` ("read", "write", "create") on `path`. */
export function toFileError(error: unknown, action: string, path: string): Error {
  if (error instanceof CardsealError || !(error instanceof Error) || typeof (error as NodeJS.ErrnoException).code !== 'string') return error as Error;
  const code = (error as NodeJS.ErrnoException).code!;
  return new FileError('ERR_FILE', `cannot ${action} ${path}: ${REASONS[code] ?? code}`, { cause: error });
}
