// Typed errors with stable codes; the exit code of each is decided here and nowhere else.

/** Stable error codes; tests and callers match on these, never on message text. */
export type SvrunCode =
  | 'USAGE'          // bad option, unknown command, missing argument
  | 'BAD_SERVICE'    // a service dir that cannot be supervised as it is
  | 'BAD_ENV'        // an env dir or .env file that cannot be applied
  | 'BAD_CONFIG'     // a setting (env var, config file) with a bad value
  | 'SYSTEM'         // the OS said no: missing dir, unreadable file, exec failure
  | 'LOCKED'         // another process holds the lock
  | 'BUG';           // cannot happen

// chpst/sv conventions: 100 usage, 111 system (temporary) trouble, 101 a bug (s6).
const EXIT_CODES: Record<SvrunCode, number> = {
  USAGE: 100,
  BAD_SERVICE: 111,
  BAD_ENV: 111,
  BAD_CONFIG: 100,
  SYSTEM: 111,
  LOCKED: 111,
  BUG: 101,
};

/** An error meant for a user: one line, no stack trace. */
export class SvrunError extends Error {
  constructor(
    readonly code: SvrunCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SvrunError';
  }

  /** The process exit code for this error. */
  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

/** Exit code for any thrown value: SvrunError's own, 101 for anything unexpected. */
export function exitCodeOf(err: unknown): number {
  return err instanceof SvrunError ? err.exitCode : EXIT_CODES.BUG;
}

// djb-style error strings, as runit prints them ("file does not exist", not strerror).
const DJB: Record<string, string> = {
  ENOENT: 'file does not exist',
  EACCES: 'access denied',
  EPERM: 'permission denied',
  EAGAIN: 'temporary failure',
  EWOULDBLOCK: 'temporary failure',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOEXEC: 'exec format error',
  EEXIST: 'file already exists',
  ELOOP: 'too many symbolic links',
  ENOSPC: 'out of disk space',
  EROFS: 'read-only file system',
  ENXIO: 'device not configured',
  ENAMETOOLONG: 'file name too long',
};

/** Short, runit-style text for an OS error ("file does not exist"). */
export function djbError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code && DJB[code]) return DJB[code];
  if (err instanceof Error) return err.message;
  return String(err);
}
