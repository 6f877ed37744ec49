// Starting a task: apply runs it inline in the request; applyAsync records it and enqueues it.
import { randomUUID } from 'node:crypto';
import type { Cache } from '../cache/cache.js';
import { observe, wallClockMs } from '../metrics.js';
import type { Broker } from '../queue/queue.js';
import type { TaskRecord, TaskStore } from '../store/store.js';
import { execute } from '../tasks/execute.js';
import { KINDS } from '../tasks/kinds.js';

/** Mode names follow Celery's. */
export type Mode = 'apply' | 'applyAsync';

/** A request that cannot be served as asked; status is the HTTP answer. */
export class SubmitError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Backends a submission needs. */
export interface Deps { store: TaskStore; broker: Broker; cache: Cache }

/** What a submission returns: the record (apply), or the id and when it was handed to the broker (epoch ms, sub-ms). */
export interface Submitted { id: string; task?: TaskRecord; enqueuedAt?: number }

/** Creates the task and runs or enqueues it. */
export async function submit(deps: Deps, kind: string, args: Record<string, unknown>, mode: Mode): Promise<Submitted> {
  if (!Object.hasOwn(KINDS, kind)) throw new SubmitError(400, `unknown task kind ${JSON.stringify(kind)}; known: ${Object.keys(KINDS).join(', ')}`);
  if (mode !== 'apply' && mode !== 'applyAsync') throw new SubmitError(400, `mode: want apply or applyAsync, got ${JSON.stringify(mode)}`);
  const id = randomUUID();
  const t0 = performance.now();
  await unavailable('task store', () => deps.store.create({ id, kind, args }));
  if (mode === 'apply') {
    const outcome = await execute(deps.store, deps.cache, id, 1, new AbortController().signal);
    if (outcome.kind === 'error') await deps.store.fail(id, outcome.error, true);
    observe('app_apply_seconds', { kind }, (performance.now() - t0) / 1000);
    return { id, task: await deps.store.get(id) };
  }
  const enqueuedAt = wallClockMs();
  try {
    await deps.broker.publish({ taskId: id, kind });
  } catch (err) {
    await deps.store.fail(id, 'broker unavailable', true).catch(() => undefined);
    throw new SubmitError(503, `broker unavailable: ${(err as Error).message}`);
  }
  observe('app_enqueue_seconds', { kind }, (performance.now() - t0) / 1000);
  return { id, enqueuedAt };
}

async function unavailable<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new SubmitError(503, `${what} unavailable: ${(err as Error).message}`);
  }
}
