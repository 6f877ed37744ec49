// An exclusive, non-blocking flock(2) on a descriptor svrun holds. Node has no flock, so
// util-linux `flock -n 3` runs on that descriptor: the lock belongs to the open file
// description and stays svrun's after the short-lived child exits, until svrun closes it.
// It is a real flock, so runit's runsv and svlogd respect it.
import { spawn } from 'node:child_process';
import { SvrunError, djbError } from '../errors.js';

// flock(1) exits with this when the lock is held elsewhere (-E), to tell it from other failures.
const CONFLICT = 75;

/** Locks fd (an open file named path): true when locked, false when another process holds it. */
export function flockFd(fd: number, path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn('flock', ['-n', '-E', String(CONFLICT), '3'], { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (err) => reject(new SvrunError('SYSTEM', `unable to lock ${path}: unable to run flock (util-linux): ${djbError(err)}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(true);
      else if (code === CONFLICT) resolve(false);
      else reject(new SvrunError('SYSTEM', `unable to lock ${path}: ${stderr.trim() || `flock exited ${code}`}`));
    });
  });
}
