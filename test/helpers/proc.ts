// Real processes for tests: the built svrun binary, run to completion or kept running with
// waits on its output. Every process started here is killed and awaited when the test ends.
import { execa, type ResultPromise, type Options } from 'execa';
import { fileURLToPath } from 'node:url';
import { setTimeout as pause } from 'node:timers/promises';
import { onTestFinished } from 'vitest';

/** Absolute path of the built CLI (npm test builds it first). */
export const SVRUN = fileURLToPath(new URL('../../dist/bin/svrun.js', import.meta.url));

/** The same CLI by a path any user may reach (see public-root.ts), for tests that run it as nobody. */
export const SVRUN_FOR_ANYONE = process.env.SVRUN_PUBLIC_ROOT ? `${process.env.SVRUN_PUBLIC_ROOT}/dist/bin/svrun.js` : SVRUN;

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
  /** Waits until test(output so far) holds; rejects with the output on timeout or exit. */
  waitUntil(test: (output: string) => boolean, what?: string, timeoutMs?: number): Promise<void>;
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
      const find = (o: string) => (typeof pattern === 'string' ? (o.includes(pattern) ? pattern : null) : (o.match(pattern)?.[0] ?? null));
      return running.waitUntil((o) => find(o) !== null, String(pattern), timeoutMs).then(() => find(out)!);
    },
    waitUntil(test, what = 'condition', timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (test(out)) { cleanup(); resolve(); return; }
          if (exited) { cleanup(); reject(new Error(`process exited before ${what}; output:\n${out}`)); }
        };
        const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output:\n${out}`)); }, timeoutMs);
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
  // Ask first (a supervisor stops its services on TERM), then force the whole group.
  onTestFinished(async () => {
    if (exited) return;
    try { process.kill(proc.pid!, 'SIGTERM'); } catch { /* gone */ }
    const timer = setTimeout(() => {
      try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ }
    }, 5000);
    await done;
    clearTimeout(timer);
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
