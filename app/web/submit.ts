// Starting a task: apply runs it inline in the request; applyAsync records it and enqueues it.
import { randomUUID } from 'node:crypto';
import type { Cache } from '../cache/cache.js';
import { traceHeaders } from '../apm.js';
import { observe, wallClockMs } from '../metrics.js';
import type { Outbox } from '../queue/outbox.js';
import type { Broker, Job } from '../queue/queue.js';
import type { TaskRecord, TaskStore } from '../store/store.js';
import { KINDS } from '../tasks/kinds.js';

/** Mode names follow Celery's. */
export type Mode = 'apply' | 'applyAsync';

/** A request that cannot be served as asked; status is the HTTP answer. */
export class SubmitError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Backends a submission needs; warn reports what fails after the answer has gone out; with
 * outbox, applyAsync answers before the broker's confirm (queue/outbox.ts). */
export interface Deps { store: TaskStore; broker: Broker; cache: Cache; outbox?: Outbox | undefined; warn?: (msg: string) => void }

/** What a submission returns: the record (apply), or the id and when it was handed to the broker (epoch ms, sub-ms). */
export interface Submitted { id: string; task?: TaskRecord; enqueuedAt?: number }

/** Creates the task and runs or enqueues it. */
export async function submit(deps: Deps, kind: string, args: Record<string, unknown>, mode: Mode): Promise<Submitted> {
  if (!Object.hasOwn(KINDS, kind)) throw new SubmitError(400, `unknown task kind ${JSON.stringify(kind)}; known: ${Object.keys(KINDS).join(', ')}`);
  if (mode !== 'apply' && mode !== 'applyAsync') throw new SubmitError(400, `mode: want apply or applyAsync, got ${JSON.stringify(mode)}`);
  const id = randomUUID();
  const t0 = performance.now();
  if (mode === 'apply') {
    // As Celery's apply(): the task runs here and now and its result is the answer. The record
    // only feeds the dashboard and the task list, so it is written once, right after this turn
    // of the event loop (the answer is on its way, the next request not yet read: a client that
    // asks for the task next finds it), not while the caller waits.
    const task = await runInline(deps, id, kind, args);
    setImmediate(() => {
      deps.store.record(task).catch((err: Error) => deps.warn?.(`task store unavailable: task ${id} (apply) ran but is not recorded: ${err.message}`));
    });
    observe('app_apply_seconds', { kind }, (performance.now() - t0) / 1000);
    return { id, task };
  }
  const trace = traceHeaders();
  const job: Job = { taskId: id, kind, ...(trace ? { trace } : {}) };
  const outbox = deps.outbox;
  if (outbox) {
    // checked first: with the broker away the caller gets 503 at once, and no record is left behind
    await unavailable('broker', () => outbox.ready());
    await unavailable('task store', () => deps.store.create({ id, kind, args, outbox: true }));
    const enqueuedAt = wallClockMs();
    outbox.send(job);
    observe('app_enqueue_seconds', { kind }, (performance.now() - t0) / 1000);
    return { id, enqueuedAt };
  }
  await unavailable('task store', () => deps.store.create({ id, kind, args }));
  const enqueuedAt = wallClockMs();
  try {
    await deps.broker.publish(job);
  } catch (err) {
    await deps.store.fail(id, 'broker unavailable', true).catch(() => undefined);
    throw new SubmitError(503, `broker unavailable: ${(err as Error).message}`);
  }
  observe('app_enqueue_seconds', { kind }, (performance.now() - t0) / 1000);
  return { id, enqueuedAt };
}

async function runInline(deps: Deps, id: string, kind: string, args: Record<string, unknown>): Promise<TaskRecord> {
  const createdAt = Date.now();
  const startedAt = wallClockMs();
  let result: unknown = null;
  let error: string | null = null;
  try {
    result = await KINDS[kind]!({ args, attempt: 1, cache: deps.cache, signal: new AbortController().signal, progress: async () => {} });
  } catch (err) {
    error = (err as Error).message;
  }
  const done = error === null;
  return {
    id, kind, args, state: done ? 'done' : 'dead', progress: done ? 100 : 0, result: done ? (result ?? null) : null, error,
    attempts: 1, completions: done ? 1 : 0, createdAt, updatedAt: Date.now(), startedAt,
  };
}

async function unavailable<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new SubmitError(503, `${what} unavailable: ${(err as Error).message}`);
  }
}
