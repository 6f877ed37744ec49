// Runs a service's ./check readiness probe the way sv does: cwd = service dir, no
// arguments, stdout closed, stderr = ours; exit 0 means up.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { djbError } from '../errors.js';

/** Runs DIR/check; true when it is absent, exits 0, or cannot be exec'd (sv's rule, with a warning). */
export async function runCheckScript(dir: string, name: string, warn: (line: string) => void): Promise<boolean> {
  const path = join(dir, 'check');
  try {
    statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    warn(`warning: unable to stat ${name}/check: ${djbError(err)}\n`);
    return false;
  }
  try {
    accessSync(path, constants.X_OK);
  } catch (err) {
    // sv's forked child prints this and exits 0, so an unrunnable check counts as up
    warn(`warning: unable to run ${name}/check: ${djbError(err)}\n`);
    return true;
  }
  // Node cannot close a child's stdout; the shell does it with `>&-` just before exec.
  const child = spawn('/bin/sh', ['-c', 'exec "$0" >&-', './check'], { cwd: dir, stdio: ['inherit', 'ignore', 'inherit'] });
  return new Promise((resolve) => {
    child.on('error', (err) => {
      warn(`warning: unable to run ${name}/check: ${djbError(err)}\n`);
      resolve(true);
    });
    // sv tests (status >> 8) == 0, so a check killed by a signal also counts as up
    child.on('close', (code) => resolve(code === 0 || code === null));
  });
}
