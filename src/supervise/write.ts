// Writes supervise/status, stat and pid (runit's formats) and svrun.json (svrun's own
// fields), each through FILE.new + rename so readers never see a half-written file.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SvrunError, djbError } from '../errors.js';
import { encodeStatus, formatStat, type StatusRecord } from './status.js';

/**
 * Options for writeSupervise: want exit (stat says so), svrun's extra JSON fields, and what
 * this writer last wrote to each file, so a file whose content has not changed (the pid when a
 * service becomes ready) is not rewritten: each write is a create and a rename.
 */
export interface WriteOptions {
  wantExit?: boolean;
  extra?: object;
  last?: Map<string, string>;
}

/**
 * Writes the state files of one supervise/ dir. Synchronous on purpose, as in runsv:
 * two updates in flight could otherwise rename out of order and leave the older state.
 */
export function writeSupervise(superviseDir: string, rec: StatusRecord, opts: WriteOptions = {}): void {
  const write = (name: string, data: string | Buffer) => {
    const key = typeof data === 'string' ? data : data.toString('latin1');
    if (opts.last?.get(name) === key) return;
    atomicWrite(superviseDir, name, data);
    opts.last?.set(name, key);
  };
  write('status', encodeStatus(rec));
  write('stat', formatStat(rec, opts.wantExit ?? false));
  write('pid', rec.pid ? `${rec.pid}\n` : '');
  if (opts.extra) write('svrun.json', `${JSON.stringify(opts.extra)}\n`);
}

function atomicWrite(dir: string, name: string, data: string | Buffer): void {
  const path = join(dir, name);
  try {
    writeFileSync(`${path}.new`, data, { mode: 0o644 });
    renameSync(`${path}.new`, path);
  } catch (err) {
    throw new SvrunError('SYSTEM', `unable to write ${path}: ${djbError(err)}`, { cause: err });
  }
}
