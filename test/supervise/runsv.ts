// Real runsv for tests: started in its own session with default signal dispositions, and
// stopped (exit + kill of run, then awaited) when the test finishes.
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { pollUntil, start, type Running } from '../helpers/proc.js';

/** True when a supervisor holds DIR/supervise/ok open. */
export function supervised(dir: string): boolean {
  try {
    closeSync(openSync(join(dir, 'supervise/ok'), constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch {
    return false;
  }
}

/** Writes control letters straight into DIR/supervise/control. */
export function writeControl(dir: string, letters: string): void {
  const fd = openSync(join(dir, 'supervise/control'), constants.O_WRONLY | constants.O_NONBLOCK);
  try { writeSync(fd, letters); } finally { closeSync(fd); }
}

/** Reads DIR/supervise/stat ('' while missing). */
export function readStat(dir: string): string {
  try { return readFileSync(join(dir, 'supervise/stat'), 'utf8'); } catch { return ''; }
}

/** Starts `runsv DIR` and waits until it supervises (and runs `run` unless a down file says not). */
export async function startRunsv(dir: string, opts: { cwd?: string } = {}): Promise<Running> {
  // detached (setsid) is done by start(); env resets the dispositions a test runner may ignore
  const r = start('env', ['--default-signal', 'runsv', dir], { cwd: opts.cwd });
  onTestFinished(async () => {
    try { if (supervised(dir)) writeControl(dir, 'xk'); } catch { /* gone already */ }
    await r.stop('SIGTERM');
  });
  await pollUntil(() => supervised(dir) && readStat(dir) !== '', 10_000, `runsv on ${dir}`);
  return r;
}
