// The worker loop: take a delivery, run it, then acknowledge, retry with backoff, or dead-letter.
import type { Logger } from 'pino';
import type { Cache } from '../cache/cache.js';
import type { Broker, Delivery } from '../queue/queue.js';
import type { TaskStore } from '../store/store.js';
import { execute, retryDelayMs } from '../tasks/execute.js';
import { traceTask } from '../apm.js';

/** A worker bound to a broker and a store; stop() finishes the current task within a bound. */
export class Worker {
  private readonly abort = new AbortController();

  constructor(
    private readonly broker: Broker,
    private readonly store: TaskStore,
    private readonly cache: Cache,
    private readonly log: Logger,
    private readonly maxTries: number,
  ) {}

  /** Starts consuming. */
  async start(): Promise<void> {
    await this.broker.consume((d) => traceTask(d.job.kind, () => this.handle(d), d.job.trace));
  }

  /** Stops taking work and waits up to timeoutMs for the task in hand; then aborts it. */
  async stop(timeoutMs: number): Promise<void> {
    const timer = setTimeout(() => this.abort.abort(), timeoutMs);
    await this.broker.stopConsuming();
    clearTimeout(timer);
  }

  private async handle(d: Delivery): Promise<void> {
    const { taskId, kind } = d.job;
    const t0 = performance.now();
    this.log.info({ taskId, kind, attempt: d.attempt }, 'task started');
    let outcome;
    try {
      outcome = await execute(this.store, this.cache, taskId, d.attempt, this.abort.signal);
    } catch (err) {
      // the store is down: leave the delivery unacknowledged-equivalent by retrying later
      this.log.error({ taskId, err: (err as Error).message }, 'task store unavailable; retrying the task later');
      await d.retry(retryDelayMs(1)).catch(() => undefined);
      return;
    }
    if (this.abort.signal.aborted) {
      // shutting down: neither ack nor count an attempt; it runs again on the next start
      this.log.warn({ taskId }, 'task interrupted by shutdown; it will run again');
      return;
    }
    const ms = Math.round(performance.now() - t0);
    if (outcome.kind === 'done' || outcome.kind === 'skip') {
      await d.ack();
      this.log.info({ taskId, kind, ms, skipped: outcome.kind === 'skip' }, 'task done');
      return;
    }
    if (d.attempt >= this.maxTries) {
      await this.store.fail(taskId, outcome.error, true);
      await d.deadLetter(outcome.error);
      this.log.error({ taskId, kind, attempt: d.attempt, error: outcome.error }, 'task dead-lettered');
      return;
    }
    const delay = retryDelayMs(d.attempt);
    await this.store.fail(taskId, outcome.error, false);
    await d.retry(delay);
    this.log.warn({ taskId, kind, attempt: d.attempt, retryInMs: delay, error: outcome.error }, 'task failed; will retry');
  }
}
