// `svrun up DIR`: supervise a services dir in the foreground until TERM, INT or HUP.
import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { SvrunError, djbError } from '../errors.js';
import { consoleSink } from './console.js';
import { createEventLog } from './events.js';
import { whenQuiet } from './quiet.js';
import { Supervisor } from './supervisor.js';
import { wantColor } from '../cli/color.js';

/** Options of `svrun up`. */
export interface UpOptions {
  quiet?: boolean;
  envReload?: boolean;
  /** Print service lines on stdout (default: when stdout is a terminal). */
  console?: boolean;
  /** Instances per service name. */
  scale?: Map<string, number>;
}

/** Runs the supervisor on dir until it is told to stop; resolves to the exit code. */
export async function runUp(dir: string, opts: UpOptions): Promise<number> {
  const abs = resolve(dir);
  try {
    if (!statSync(abs).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
  } catch (err) {
    throw new SvrunError('SYSTEM', `unable to open services dir ${dir}: ${djbError(err)} (create it, or name another: svrun up DIR)`);
  }
  const color = wantColor(process.stdout);
  const log = createEventLog({ stream: process.stderr, color: wantColor(process.stderr) });
  const showLines = opts.console ?? Boolean(process.stdout.isTTY);
  const sink = consoleSink(process.stdout, { color, quiet: (opts.quiet ?? false) || !showLines });
  if (process.pid === 1) {
    // Node cannot wait for processes it did not spawn, so orphans re-parented to PID 1 would
    // stay zombies. bin/svrun puts bin/pid1.pl in front when perl is there; here it was not.
    log.warn({ event: 'pid1' }, 'running as PID 1 without an init: orphaned processes will not be reaped; start svrun through its launcher (npx svrun, bin/svrun) on a system with perl, or under tini (tini -- svrun up)');
  }
  // Aligned from the first line: the dir names are known before any service starts.
  sink.width = Math.max(0, ...readdirSync(abs).filter((n) => !n.startsWith('.')).map((n) => n.length));
  const sup = new Supervisor({ dir: abs, log, sink, envReload: opts.envReload ?? true, standby: true, ...(opts.scale ? { scale: opts.scale } : {}) });
  await sup.start();
  sink.width = Math.max(sink.width, ...sup.services.map((u) => u.name.length));
  log.info({ event: 'up', dir: abs, services: sup.services.length }, `supervising ${sup.services.length} service(s) in ${dir}; Ctrl-C stops them all`);
  whenQuiet(() => {
    compactHeap();
    sup.warmStandby();
  });
  await sup.stopped;
  return 0;
}

// Bring-up leaves the heap about 6 MiB fuller than what stays live (100 services: 15 MiB used,
// 9 MiB live), and V8 keeps those pages: the memory reducer that would give them back is off,
// because it wakes an idle svrun again and again. One full GC here (bin/svrun runs up with
// --expose-gc), compacting, returns them once, at a moment svrun chooses: 3 MiB less resident
// with 100 services, 10-20 ms of CPU, once the loop is quiet (a service flooding its log from
// the start would otherwise wait for it). Compaction is switched on for this GC only: on every
// full GC it made the ones of a stop-all 5-10x dearer.
function compactHeap(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  setFlagsFromString('--compact-on-every-full-gc');
  gc();
  setFlagsFromString('--no-compact-on-every-full-gc');
}
