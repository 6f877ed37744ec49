// Real processes for tests: the built svrun binary, run to completion or kept running with
// waits on its output. Every process started here is killed and awaited when the test ends.
import { execa, type ResultPromise, type Options } from 'execa';
import { fileURLToPath } from 'node:url';
import { setTimeout as pause } from 'node:timers/promises';
import { onTestFinished } from 'vitest';

/** Absolute path of the built CLI (npm test builds it first). */
export const SVRUN = fileURLToPath(new URL('../../dist/bin/svrun.js', import.meta.url));

/** Runs `svrun ARGS` to completion; never rejects: inspect exitCode, stdout, stderr. */
export async function svrun(args: string[], opts: Options = {}) {
  return execa(process.execPath, [SVRUN, ...args], { reject: false, timeout: 20_000, ...opts });
}

/** A running process with helpers to wait on what it prints. */
export interface Running {
  proc: ResultPromise;
  pid: number;
  output(): string;
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<{ exitCode?: number; signal?: string }>;
}

/** Starts a long-running command; it is killed (group-wide) and awaited after the test. */
export function start(file: string, args: string[], opts: Options = {}): Running {
  const proc = execa(file, args, { reject: false, detached: true, all: true, buffer: false, ...opts }) as ResultPromise;
  let out = '';
  const waiters = new Set<() => void>();
  proc.all?.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters) w();
  });
  let exited = false;
  const done = proc.then((r) => {
    exited = true;
    for (const w of waiters) w();
    return r;
  });
  const running: Running = {
    proc,
    pid: proc.pid!,
    output: () => out,
    waitFor(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = typeof pattern === 'string' ? (out.includes(pattern) ? pattern : null) : out.match(pattern)?.[0];
          if (m != null) { cleanup(); resolve(m); return; }
          if (exited) { cleanup(); reject(new Error(`process exited before printing ${String(pattern)}; output:\n${out}`)); }
        };
        const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; output:\n${out}`)); }, timeoutMs);
        const cleanup = () => { clearTimeout(timer); waiters.delete(check); };
        waiters.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (!exited) {
        try { process.kill(proc.pid!, signal); } catch { /* gone */ }
      }
      const r = await done;
      return { exitCode: r.exitCode, signal: r.signal };
    },
  };
  onTestFinished(async () => {
    if (!exited) {
      try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ }
    }
    await done;
  });
  return running;
}

/** Starts `svrun ARGS` as a long-running process (see start). */
export function startSvrun(args: string[], opts: Options = {}): Running {
  return start(process.execPath, [SVRUN, ...args], opts);
}

/** Polls fn until it returns a truthy value or the deadline passes; returns that value. */
export async function pollUntil<T>(fn: () => T | Promise<T>, timeoutMs = 15_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await pause(20); // poll interval, not a timing assumption
  }
}
