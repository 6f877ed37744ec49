// A supervise/ state written at once, as a fixture: what svrun's SuperviseWriter (or runsv)
// would leave there.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { superviseFiles, type WriteOptions } from '../../src/supervise/write.js';
import type { StatusRecord } from '../../src/supervise/status.js';

/** Writes status, stat, pid (and svrun.json with extra) of rec into the supervise dir sup. */
export function writeSupervise(sup: string, rec: StatusRecord, opts: WriteOptions = {}): void {
  for (const [name, data] of superviseFiles(rec, opts)) {
    writeFileSync(join(sup, `${name}.new`), data);
    renameSync(join(sup, `${name}.new`), join(sup, name));
  }
}
