// Tier 2 helpers: a services tree in a temp dir and a running `svrun up` on it, with waits
// on its events (JSON lines on stderr when not on a terminal).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { makeTree, tempDir, type TreeEntry } from '../helpers/fs.js';
import { startSvrun, type Running } from '../helpers/proc.js';

/** A services dir built from tree (paths relative to it). */
export function servicesDir(tree: Record<string, TreeEntry>): string {
  return makeTree(tempDir('svrun-up-'), tree);
}

/** A running `svrun up DIR`. */
export interface Up extends Running {
  dir: string;
  /** Waits for an event of svrun's own log: { event, service? } matched against the JSON lines. */
  waitEvent(event: string, service?: string, count?: number): Promise<Record<string, unknown>>;
  events(): Record<string, unknown>[];
}

/** Starts `svrun up dir ARGS` (not on a terminal: events are JSON lines); see upReady. */
export function up(dir: string, args: string[] = [], env: Record<string, string> = {}): Up {
  const run = startSvrun(['up', dir, '--console', ...args], { env: { NO_COLOR: '1', ...env } });
  const events = () =>
    run.output().split('\n').filter((l) => l.startsWith('{')).flatMap((l) => {
      try { return [JSON.parse(l) as Record<string, unknown>]; } catch { return []; }
    });
  return {
    ...run,
    dir,
    events,
    async waitEvent(event, service, count = 1) {
      const match = (e: Record<string, unknown>) => e.event === event && (service === undefined || e.service === service);
      await run.waitUntil(() => events().filter(match).length >= count, `event ${event}${service ? ` of ${service}` : ''} #${count}`);
      return events().filter(match)[count - 1]!;
    },
  };
}

/** `sv ARGS` from Debian's runit, run to completion. */
export async function sv(args: string[]) {
  return execa('sv', args, { reject: false, timeout: 20_000 });
}

/** The JSON status svrun keeps beside runit's files. */
export function svrunStatus(serviceDir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(serviceDir, 'supervise', 'svrun.json'), 'utf8')) as Record<string, unknown>;
}

/** Whether a process with this pid exists (zombies count as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** Starts `svrun up` and waits until it has started everything and watches the dir. */
export async function upReady(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<Up> {
  const u = up(dir, args, env);
  await u.waitEvent('up');
  return u;
}
