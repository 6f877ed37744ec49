// One look at the services dir, as runsvdir takes it: every entry that stats as a directory
// (symlinks followed), dot-names skipped, identified by (device, inode) so a rename or a
// second symlink to the same dir is still the same service.
import { readdir, stat, access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { SvrunError, djbError } from '../errors.js';

/** A service dir found by a scan. */
export interface ScanEntry {
  name: string;
  dir: string;
  /** "dev:ino", the identity of the dir. */
  key: string;
  /** Why it cannot be supervised (no run, run not executable), or null. */
  problem: string | null;
}

/** Lists the service dirs in servicesDir; warnings collects entries that could not be looked at. */
export async function scanServices(servicesDir: string, warnings: string[] = []): Promise<ScanEntry[]> {
  let names: string[];
  try {
    names = await readdir(servicesDir);
  } catch (err) {
    throw new SvrunError('SYSTEM', `unable to read services dir ${servicesDir}: ${djbError(err)}`, { cause: err });
  }
  const found = new Map<string, ScanEntry>();
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    const dir = join(servicesDir, name);
    let st;
    try {
      st = await stat(dir);
    } catch (err) {
      warnings.push(`unable to stat ${dir}: ${djbError(err)}`);
      continue;
    }
    if (!st.isDirectory()) continue;
    const key = `${st.dev}:${st.ino}`;
    if (found.has(key)) continue;
    found.set(key, { name, dir, key, problem: await runProblem(dir) });
  }
  return [...found.values()];
}

async function runProblem(dir: string): Promise<string | null> {
  try {
    await access(join(dir, 'run'), constants.X_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no run file';
    if (code === 'EACCES') return 'run is not executable (chmod +x run)';
    return `unable to use run: ${djbError(err)}`;
  }
}
