// Reading a service dir as sv does: resolve the name, see whether a supervisor holds
// supervise/ok, read supervise/status. Effects only; nothing here prints.
import { fs, under } from '../os/syncfs.js';
import { isAbsolute, join, resolve } from 'node:path';
import { decodeStatus, type StatusRecord } from '../supervise/status.js';

/** A service name as sv resolves it: bare names live in svdir, `/x`, `.x` and `x/` are paths. */
export function resolveService(name: string, svdir: string, cwd: string): string {
  const isPath = name === '' || name.startsWith('/') || name.startsWith('.') || name.endsWith('/');
  if (isPath) return resolve(cwd, name);
  const dir = isAbsolute(svdir) ? join(svdir, name) : resolve(cwd, svdir, name);
  // svrun's scaled services: `web.2` is the state dir of instance 2 of web, web/instances/2.
  const m = /^(.+)\.(\d+)$/.exec(name);
  if (!m || dirError(dir) === undefined) return dir;
  const base = isAbsolute(svdir) ? join(svdir, m[1]!) : resolve(cwd, svdir, m[1]!);
  const instance = m[2] === '1' ? base : join(base, 'instances', m[2]!);
  return dirError(instance) === undefined ? instance : dir;
}

// `svrun status` of a hundred services meets a missing log/, down and instances/ in each:
// stat with throwIfNoEntry answers those without building an error and its stack trace,
// which costs more than the stat.
const NO_ENTRY: NodeJS.ErrnoException = Object.assign(new Error('no such file or directory'), { code: 'ENOENT' });

/** The OS error that chdir(dir) would give, or undefined when dir is a usable directory. */
export function dirError(dir: string): NodeJS.ErrnoException | undefined {
  try {
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    if (!st) return NO_ENTRY;
    if (st.isDirectory()) return undefined;
    return Object.assign(new Error(`${dir}: not a directory`), { code: 'ENOTDIR' });
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
}

/** What reading a supervise/ dir found: a record, no supervisor, or a warning with its cause. */
export type Probe =
  | { kind: 'ok'; rec: StatusRecord }
  | { kind: 'not-running' }
  | { kind: 'error'; msg: string; err?: unknown };

/** sv's svstatus_get: is a supervisor alive on DIR (ok FIFO has a reader), and its status record. */
export function probe(dir: string): Probe {
  try {
    fs.closeSync(fs.openSync(under(dir, 'supervise/ok'), fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO') return { kind: 'not-running' };
    return { kind: 'error', msg: 'unable to open supervise/ok', err };
  }
  // sv reads 20 bytes; svrun also reads daemontools' 18-byte record
  const buf = Buffer.allocUnsafe(20);
  let n: number;
  let fd: number;
  try {
    fd = fs.openSync(under(dir, 'supervise/status'), fs.constants.O_RDONLY);
  } catch (err) {
    return { kind: 'error', msg: 'unable to open supervise/status', err };
  }
  try {
    n = fs.readSync(fd, buf, 0, 20, null);
  } catch (err) {
    return { kind: 'error', msg: 'unable to read supervise/status', err };
  } finally {
    fs.closeSync(fd);
  }
  if (n !== 20 && n !== 18) return { kind: 'error', msg: 'unable to read supervise/status: bad format' };
  return { kind: 'ok', rec: decodeStatus(buf.subarray(0, n)) };
}

/** DIR/down exists (true), does not (false), or cannot be stat'ed (the error). */
export function downFile(dir: string): boolean | NodeJS.ErrnoException {
  try {
    return fs.statSync(under(dir, 'down'), { throwIfNoEntry: false }) !== undefined;
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
}

/** svrun's own fields from supervise/svrun.json, or undefined when absent or unreadable. */
export function readExtra(dir: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(under(dir, 'supervise/svrun.json'), 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // runsv never writes it; a torn or foreign file is not worth a failure
  }
}
