// The task kinds: what each does given its args and a way to report progress.
import type { Cache } from '../cache/cache.js';
import { buildReport, REPORT_KEY } from './report.js';

/** What a task body gets: its args, its attempt number, a progress callback, the cache. */
export interface TaskContext {
  args: Record<string, unknown>;
  attempt: number;
  progress(pct: number): Promise<void>;
  cache: Cache;
  /** Aborted when the process is asked to stop and the grace period ran out. */
  signal: AbortSignal;
}

/** A task body; its resolved value is the task's result. */
export type TaskFn = (ctx: TaskContext) => Promise<unknown>;

const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || d);

/** Every kind by name. */
export const KINDS: Record<string, TaskFn> = {
  noop: async () => ({ ok: true }),

  /** Computes the report and stores it in the cache, so the next page view is a hit. */
  report: async ({ cache }) => {
    const r = buildReport();
    await cache.set(REPORT_KEY, JSON.stringify(r), 300);
    return { orders: r.orders, millis: r.millis };
  },

  /** steps × stepMs of waiting, reporting progress after each step. */
  long: async ({ args, progress, signal }) => {
    const steps = num(args.steps, 20);
    const stepMs = num(args.stepMs, 250);
    for (let i = 1; i <= steps; i++) {
      await new Promise((r) => setTimeout(r, stepMs));
      if (signal.aborted) throw new Error('aborted by shutdown');
      await progress(Math.round((i / steps) * 100));
    }
    return { steps };
  },

  /** Fails its first `times` attempts (default: always), to exercise retries and dead letters. */
  fail: async ({ args, attempt }) => {
    const times = num(args.times, Infinity);
    if (attempt <= times) throw new Error(`fail task: attempt ${attempt} fails on purpose`);
    return { attempt };
  },
};
