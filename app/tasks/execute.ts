// Running one task against the store: begin, body with progress, finish or fail.
import type { Cache } from '../cache/cache.js';
import type { TaskStore } from '../store/store.js';
import { KINDS } from './kinds.js';

/** The outcome the caller acts on: ack on done/skip, retry or dead-letter on error. */
export type Outcome = { kind: 'done'; result: unknown } | { kind: 'skip' } | { kind: 'error'; error: string };

/** Runs task id once; a task already done (a redelivery after a crash) is skipped, not rerun. */
export async function execute(store: TaskStore, cache: Cache, id: string, attempt: number, signal: AbortSignal): Promise<Outcome> {
  const rec = await store.begin(id);
  if (!rec || rec.state === 'done') return { kind: 'skip' };
  const fn = KINDS[rec.kind];
  if (!fn) return { kind: 'error', error: `unknown task kind ${JSON.stringify(rec.kind)}` };
  try {
    const result = await fn({ args: rec.args, attempt, cache, signal, progress: (pct) => store.progress(id, pct) });
    await store.finish(id, result);
    return { kind: 'done', result };
  } catch (err) {
    return { kind: 'error', error: (err as Error).message };
  }
}

/** Retry delay before attempt n+1: 200 ms doubling, capped at 10 s (TASK_RETRY_BASE_MS overrides 200). */
export function retryDelayMs(attempt: number): number {
  const base = Number(process.env.TASK_RETRY_BASE_MS) || 200;
  return Math.min(base * 2 ** (attempt - 1), 10_000);
}
