// The exclusive lock on supervise/lock that keeps two supervisors off one service. It is a
// real flock(2), so runsv and svrun exclude each other.
import { closeSync, open } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SvrunError, djbError } from '../errors.js';
import { flockFd } from '../os/flock.js';

const openAsync = promisify(open);

/** A held lock; release() closes the file, which drops the lock. */
export interface LockHandle {
  readonly fd: number;
  release(): void;
}

/** Takes a non-blocking exclusive flock on SUPERVISE/lock (see src/os/flock.ts). */
export async function acquireLock(superviseDir: string, name: string): Promise<LockHandle> {
  return lockOpened(await openLockFile(superviseDir, name), name);
}

/**
 * Opens (creating it) SUPERVISE/lock, in the thread pool: creating a file can wait on the
 * file system's journal, so svrun up creates a hundred of them side by side, while mkfifo runs.
 */
export async function openLockFile(superviseDir: string, name: string): Promise<number> {
  try {
    return await openAsync(join(superviseDir, 'lock'), 'a', 0o600);
  } catch (err) {
    throw new SvrunError('SYSTEM', `${name}: unable to open supervise/lock: ${djbError(err)}`, { cause: err });
  }
}

/** Takes the flock on fd, an open supervise/lock; closes fd when it cannot. */
export async function lockOpened(fd: number, name: string): Promise<LockHandle> {
  let locked: boolean;
  try {
    locked = await flockFd(fd, `${name}/supervise/lock`);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  if (!locked) {
    closeSync(fd);
    throw new SvrunError('LOCKED', `${name}: unable to lock supervise/lock: temporary failure (another supervisor runs this service)`);
  }
  let held = true;
  return {
    fd,
    release() {
      if (held) closeSync(fd);
      held = false;
    },
  };
}
