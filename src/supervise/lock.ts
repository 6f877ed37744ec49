// The exclusive lock on supervise/lock that keeps two supervisors off one service. It is a
// real flock(2), so runsv and svrun exclude each other.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { SvrunError, djbError } from '../errors.js';

/** A held lock; release() closes the file, which drops the lock. */
export interface LockHandle {
  readonly fd: number;
  release(): void;
}

// flock(1) exits with this when the lock is held elsewhere (-E), to tell it from other failures.
const CONFLICT = 75;

/**
 * Takes a non-blocking exclusive flock on SUPERVISE/lock. Node has no flock(2): util-linux
 * `flock -n 3` locks our open file description passed as its fd 3, and the lock outlives
 * that child because svrun keeps the description open (and close-on-exec, so `run` won't).
 */
export async function acquireLock(superviseDir: string, name: string): Promise<LockHandle> {
  const path = join(superviseDir, 'lock');
  let fd: number;
  try {
    fd = openSync(path, 'a', 0o600);
  } catch (err) {
    throw new SvrunError('SYSTEM', `${name}: unable to open supervise/lock: ${djbError(err)}`, { cause: err });
  }
  let code: number | null;
  let stderr = '';
  try {
    ({ code, stderr } = await flockFd(fd));
  } catch (err) {
    closeSync(fd);
    throw new SvrunError('SYSTEM', `${name}: unable to lock supervise/lock: unable to run flock: ${djbError(err)}`, { cause: err });
  }
  if (code !== 0) {
    closeSync(fd);
    if (code === CONFLICT) {
      throw new SvrunError('LOCKED', `${name}: unable to lock supervise/lock: temporary failure (another supervisor runs this service)`);
    }
    throw new SvrunError('SYSTEM', `${name}: unable to lock supervise/lock: ${stderr.trim() || `flock exited ${code}`}`);
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

function flockFd(fd: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('flock', ['-n', '-E', String(CONFLICT), '3'], { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
