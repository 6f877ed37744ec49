// Creates a service's supervise/ dir the way runsv does: mode 0700, a symlinked supervise/
// followed to its target, and the two FIFOs (control, ok) that clients such as `sv` open.
import { execFile } from 'node:child_process';
import { accessSync, constants, lstatSync, mkdirSync, readlinkSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SvrunError, djbError } from '../errors.js';

const run = promisify(execFile);

/** The FIFOs clients such as `sv` open: svrun reads control and holds ok open. */
export const CONTROL_FIFOS = ['control', 'ok'];
// runsv's mode for supervise/
const MODE = 0o700;

/**
 * Makes SERVICE/supervise (or its symlink target) with FIFOs control and ok, and the extra
 * FIFOs named (in the same mkfifo run); returns its path. With control false, control and ok
 * are only checked (a regular file in their place is refused now) and made later by makeFifos:
 * a bring-up starts its services first.
 */
export async function prepareSuperviseDir(serviceDir: string, extra: readonly string[] = [], control = true): Promise<string> {
  const dir = join(serviceDir, 'supervise');
  makeDir(dir);
  if (!control) for (const n of CONTROL_FIFOS) missingFifo(join(dir, n));
  await makeFifos([...(control ? CONTROL_FIFOS : []), ...extra].map((n) => join(dir, n)));
  return dir;
}

/**
 * Makes SERVICE/supervise in the thread pool when nothing is there yet, and returns its path:
 * a bring-up makes a hundred side by side before prepareSuperviseDir runs for each (ext4 takes
 * ~0.8 ms per directory, and two cores make two at a time). Anything already there, a
 * symlink or a file in the way, is left to prepareSuperviseDir, which follows or refuses it.
 */
export async function premakeSuperviseDir(serviceDir: string): Promise<string> {
  const dir = join(serviceDir, 'supervise');
  await mkdir(dir, { mode: MODE }).catch(() => {});
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
    mkdirSync(target, { mode: MODE, recursive: true });
  } catch (err) {
    throw systemError(`unable to create directory ${target}`, err);
  }
}

/** Creates the FIFOs of paths that do not exist yet (mode 0600), in one mkfifo run. */
export async function makeFifos(paths: string[]): Promise<void> {
  const missing = paths.filter(missingFifo);
  if (missing.length === 0) return;
  await mkfifo(missing);
}

// True when nothing is at path; false for a FIFO; throws for anything else.
function missingFifo(path: string): boolean {
  try {
    if (lstatSync(path).isFIFO()) return false;
    throw new SvrunError('BAD_SERVICE', `${path} exists but is not a FIFO; remove it so svrun can create it`);
  } catch (err) {
    if (err instanceof SvrunError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw systemError(`unable to stat ${path}`, err);
    return true;
  }
}

// Node has no mkfifo(3), so coreutils' mkfifo makes them; the requests of one tick (a hundred
// services being opened side by side) share its runs. A large batch is split over a few runs
// side by side: ext4 makes each FIFO wait for its journal, and one process making 400 of them
// waited 270-350 ms here, four side by side 240-260.
const RUNS = 4;
const PER_RUN_MIN = 50;
let batch: { paths: string[]; done: Promise<void> } | null = null;

function mkfifo(paths: string[]): Promise<void> {
  if (!batch) {
    const mine: { paths: string[]; done: Promise<void> } = { paths: [], done: Promise.resolve() };
    mine.done = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      batch = null;
      const runs = Math.max(1, Math.min(RUNS, Math.floor(mine.paths.length / PER_RUN_MIN)));
      const per = Math.ceil(mine.paths.length / runs);
      await Promise.all(Array.from({ length: runs }, (_, i) => run('mkfifo', ['-m', '0600', ...mine.paths.slice(i * per, (i + 1) * per)]).catch(() => {
        // mkfifo made what it could; each caller checks its own paths below.
      })));
    });
    batch = mine;
  }
  batch.paths.push(...paths);
  return batch.done.then(() => {
    const failed = paths.filter((p) => !lstatSyncSafe(p)?.isFIFO());
    if (failed.length) throw new SvrunError('SYSTEM', `unable to create FIFO ${failed.join(', ')}: ${whyNot(failed[0]!)}`);
  });
}

// Why a FIFO could not be made in its dir, in runit's words.
function whyNot(path: string): string {
  try {
    accessSync(dirname(path), constants.W_OK);
    return 'unknown error';
  } catch (err) {
    return djbError(err);
  }
}

function lstatSyncSafe(path: string) {
  try { return lstatSync(path); } catch { return undefined; }
}

function systemError(what: string, err: unknown): SvrunError {
  return new SvrunError('SYSTEM', `${what}: ${djbError(err)}`, { cause: err });
}
