// The exclusive lock on supervise/lock that keeps two supervisors off one service. It is a
// real flock(2), so runsv and svrun exclude each other.
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { SvrunError, djbError } from '../errors.js';
import { flockFd } from '../os/flock.js';

/** A held lock; release() closes the file, which drops the lock. */
export interface LockHandle {
  readonly fd: number;
  release(): void;
}

/** Takes a non-blocking exclusive flock on SUPERVISE/lock (see src/os/flock.ts). */
export async function acquireLock(superviseDir: string, name: string): Promise<LockHandle> {
  const path = join(superviseDir, 'lock');
  let fd: number;
  try {
    fd = openSync(path, 'a', 0o600);
  } catch (err) {
    throw new SvrunError('SYSTEM', `${name}: unable to open supervise/lock: ${djbError(err)}`, { cause: err });
  }
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
