// Which services `svrun logs` reads, and where each keeps its log files: the dir its
// `log/run` hands to svlogd (or `svrun log`), else svrun's default capture dir.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { SvrunError } from '../errors.js';
import { captureDir } from '../supervisor/capture.js';

/** A service and its log dir. */
export interface LogSource {
  service: string;
  dir: string;
}

const isDir = (p: string) => { try { return statSync(p).isDirectory(); } catch { return false; } };

/** Resolves SERVICE… (paths to service dirs, or names under servicesDir); none = every service there. */
export function logSources(names: string[], servicesDir: string): LogSource[] {
  if (names.length === 0) {
    if (!isDir(servicesDir)) throw new SvrunError('USAGE', `unable to open services dir ${servicesDir}: not a directory (name one with -d DIR)`);
    return readdirSync(servicesDir).filter((n) => !n.startsWith('.') && isDir(join(servicesDir, n)))
      .sort().map((n) => ({ service: n, dir: logDirOf(join(servicesDir, n)) }));
  }
  return names.map((name) => {
    const byName = join(servicesDir, name);
    const dir = !name.includes('/') && isDir(byName) ? byName : isDir(name) ? name : null;
    if (!dir) throw new SvrunError('USAGE', `unable to find service ${name}: neither ${byName} nor ${name} is a directory`);
    return { service: basename(resolve(dir)), dir: logDirOf(dir) };
  });
}

/** The log dir of the service in dir. */
export function logDirOf(dir: string): string {
  const logRun = join(dir, 'log', 'run');
  if (existsSync(logRun)) {
    const fromRun = svlogdDir(readFileSync(logRun, 'utf8'));
    if (fromRun && isDir(join(dir, 'log', fromRun))) return join(dir, 'log', fromRun);
    if (isDir(join(dir, 'log', 'main'))) return join(dir, 'log', 'main');
  }
  return captureDir(dir);
}

// `exec svlogd -tt ./main` or `exec svrun log ./main`: the last word of the logger's command.
function svlogdDir(script: string): string | null {
  for (const line of script.split('\n').reverse()) {
    const m = /\b(?:svlogd|svrun"?\s+log)\b(.*)$/.exec(line);
    if (!m) continue;
    const words = m[1]!.trim().split(/\s+/).filter((w) => w && !w.startsWith('-'));
    const last = words.at(-1)?.replace(/^["']|["']$/g, '');
    if (last) return last;
  }
  return null;
}
