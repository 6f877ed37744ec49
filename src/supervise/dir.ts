// Creates a service's supervise/ dir the way runsv does: mode 0700, a symlinked supervise/
// followed to its target, and the two FIFOs (control, ok) that clients such as `sv` open.
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, readlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SvrunError, djbError } from '../errors.js';

const run = promisify(execFile);

/** Makes SERVICE/supervise (or its symlink target) with FIFOs control and ok; returns its path. */
export async function prepareSuperviseDir(serviceDir: string): Promise<string> {
  const dir = join(serviceDir, 'supervise');
  makeDir(dir);
  for (const name of ['control', 'ok']) await makeFifo(join(dir, name), `supervise/${name}`);
  return dir;
}

function makeDir(dir: string): void {
  const st = lstatSyncSafe(dir);
  if (st?.isDirectory()) return;
  if (st && !st.isSymbolicLink()) {
    throw new SvrunError('BAD_SERVICE', `${dir} exists but is not a directory; remove it so svrun can create it`);
  }
  // runsv creates the target of a dangling supervise symlink (e.g. one into /run)
  const target = st ? resolve(dirname(dir), readlinkSync(dir)) : dir;
  try {
    mkdirSync(target, { mode: 0o700, recursive: true });
  } catch (err) {
    throw systemError(`unable to create directory ${target}`, err);
  }
}

async function makeFifo(path: string, label: string): Promise<void> {
  try {
    if (lstatSync(path).isFIFO()) return;
    throw new SvrunError('BAD_SERVICE', `${path}: ${label} exists but is not a FIFO; remove it so svrun can create it`);
  } catch (err) {
    if (err instanceof SvrunError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw systemError(`unable to stat ${path}`, err);
  }
  // Node has no mkfifo(3); coreutils' mkfifo is one short exec.
  try {
    await run('mkfifo', ['-m', '0600', path]);
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    if (lstatSyncSafe(path)?.isFIFO()) return; // another process made it meanwhile
    throw new SvrunError('SYSTEM', `unable to create FIFO ${path}: ${stderr || djbError(err)}`);
  }
}

function lstatSyncSafe(path: string) {
  try { return lstatSync(path); } catch { return undefined; }
}

function systemError(what: string, err: unknown): SvrunError {
  return new SvrunError('SYSTEM', `${what}: ${djbError(err)}`, { cause: err });
}
