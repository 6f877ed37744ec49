// svrun's extensions to `sv status`: listing every service of a services dir, and a JSON
// form for programs (runit state plus the fields svrun keeps in supervise/svrun.json).
import type { Dirent } from 'node:fs';
import { fs, under } from '../os/syncfs.js';
import { resolve } from 'node:path';
import { SvrunError, djbError } from '../errors.js';
import type { StatusRecord } from '../supervise/status.js';
import { dirError, downFile, probe, readExtra } from './probe.js';

/** The services in DIR: entries that stat as directories, dot-names skipped, sorted by name (runsvdir's rule). */
export function listServices(dir: string, cwd: string): { name: string; dir: string }[] {
  const abs = resolve(cwd, dir);
  let entries: Dirent[];
  try {
    entries = fs.readdirSync(abs, { withFileTypes: true });
  } catch (err) {
    throw new SvrunError('SYSTEM', `unable to read services directory ${dir}: ${djbError(err)}; pass -d DIR or set SVDIR`, { cause: err });
  }
  // the entry's type comes with the listing; only a symlink (or a file system that gives no
  // type) needs a stat to see what it points to
  return entries
    .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || (!e.isFile() && isDir(under(abs, e.name)))))
    .map((e) => e.name)
    .sort()
    .flatMap((name) => {
      const dir = under(abs, name);
      return [{ name, dir }, ...instances(name, dir)];
    });
}

// The live instances past the first of a service svrun runs scaled (web/instances/N → web.N).
function instances(name: string, dir: string): { name: string; dir: string }[] {
  let entries: string[];
  try {
    if (!isDir(under(dir, 'instances'))) return [];
    entries = fs.readdirSync(under(dir, 'instances'));
  } catch {
    return [];
  }
  return entries
    .filter((n) => /^\d+$/.test(n) && probe(under(dir, `instances/${n}`)).kind !== 'not-running')
    .sort((a, b) => Number(a) - Number(b))
    .map((n) => ({ name: `${name}.${n}`, dir: under(dir, `instances/${n}`) }));
}

function isDir(path: string): boolean {
  try { return fs.statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false; } catch { return false; }
}

/**
 * One service's status as JSON-ready data, or { error } when it cannot be read. knownDir: the
 * caller has just seen dir is a directory (a listing), so it is not stat'ed again.
 */
export function serviceJson(dir: string, now: number, knownDir = false): Record<string, unknown> {
  const err = knownDir ? undefined : dirError(dir);
  if (err) return { error: `unable to change to service directory: ${djbError(err)}` };
  const p = probe(dir);
  if (p.kind === 'not-running') return { error: 'runsv not running' };
  if (p.kind === 'error') return { error: p.err === undefined ? p.msg : `${p.msg}: ${djbError(p.err)}` };
  const down = downFile(dir);
  return recordJson(p.rec, down !== true, now);
}

function recordJson(rec: StatusRecord, normallyUp: boolean, now: number): Record<string, unknown> {
  return {
    state: rec.state,
    pid: rec.pid,
    seconds: Math.max(0, Math.floor(now) - rec.stamp.sec),
    want: rec.want === 'u' ? 'up' : 'down',
    paused: rec.paused,
    term: rec.term,
    normallyUp,
  };
}

/** Prints the JSON array for services; resolves to the number of unreadable ones (capped at 99). */
export function statusJson(services: { name: string; dir: string; listed?: boolean }[], io: { stdout(s: string): void }): number {
  const now = Date.now() / 1000;
  let failures = 0;
  const out = services.map(({ name, dir, listed }) => {
    const core = serviceJson(dir, now, listed);
    if ('error' in core) {
      failures++;
      return { name, ...core };
    }
    const entry: Record<string, unknown> = { name, ...readExtra(dir), ...core };
    const logDir = under(dir, 'log');
    if (!dirError(logDir)) entry.log = serviceJson(logDir, now);
    return entry;
  });
  io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  return Math.min(failures, 99);
}
