// Hard resource limits as /proc/self/limits shows them: chpst lowers only the soft limit,
// and a value above the hard limit is clamped to it, so the transform needs these.
import { readFile } from 'node:fs/promises';
import type { LimitName } from './options.js';

/** Hard limits by name; Infinity for unlimited. */
export type HardLimits = Partial<Record<LimitName, number>>;

// /proc/PID/limits row titles (proc(5)) for each limit chpst knows.
const ROWS: Record<string, LimitName> = {
  'Max cpu time': 'cpu',
  'Max file size': 'fsize',
  'Max data size': 'data',
  'Max stack size': 'stack',
  'Max core file size': 'core',
  'Max resident set': 'rss',
  'Max processes': 'nproc',
  'Max open files': 'nofile',
  'Max locked memory': 'memlock',
  'Max address space': 'as',
};

/** Parses the text of /proc/PID/limits into hard limits. */
export function parseHardLimits(text: string): HardLimits {
  const out: HardLimits = {};
  for (const line of text.split('\n')) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    const name = m && ROWS[m[1]!];
    if (!name) continue;
    out[name] = m[3] === 'unlimited' ? Infinity : Number(m[3]);
  }
  return out;
}

/** svrun's own hard limits, which the child inherits. */
export async function readHardLimits(): Promise<HardLimits> {
  return parseHardLimits(await readFile('/proc/self/limits', 'latin1'));
}
