// The state of the sibling services as their supervisor (svrun or runsv) records it; read-only.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One supervised service as the dashboard shows it. */
export interface ServiceView { name: string; stat: string; pid: string; extra: Record<string, unknown> }

/** Services under dir that have a supervise/stat; anything unreadable is left out. */
export function readServices(dir: string): ServiceView[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
  } catch {
    return [];
  }
  const out: ServiceView[] = [];
  for (const name of names) {
    const sup = join(dir, name, 'supervise');
    try {
      if (!existsSync(join(dir, name, 'run'))) continue;
      const stat = readFileSync(join(sup, 'stat'), 'utf8').trim();
      const pid = readFileSync(join(sup, 'pid'), 'utf8').trim();
      let extra: Record<string, unknown> = {};
      try { extra = JSON.parse(readFileSync(join(sup, 'svrun.json'), 'utf8')) as Record<string, unknown>; } catch { /* runsv has none */ }
      out.push({ name, stat, pid, extra });
    } catch {
      // not supervised (yet), or not ours to read
    }
  }
  return out;
}
