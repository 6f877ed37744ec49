// A transactional outbox for RabbitMQ: applyAsync answers once the task is in the task store
// and its message is on the wire, not after the publisher confirm. A persistent message is
// confirmed only after RabbitMQ's fsync, or once a consumer has acked it (the worker acks after
// the task is done): 2–3 ms here, most of an applyAsync. The task record is the outbox entry:
// created marked, unmarked when the confirm comes, and published again at every (re)connect
// while it is still queued and marked (a nack, a lost connection, a web that stopped first).
// A task may so reach the queue twice; the worker never runs a done task again (store.begin),
// the same at-least-once a redelivery after a worker crash gives.
import type { TaskStore } from '../store/store.js';
import { AmqpBroker } from './amqp.js';
import type { Broker, Job } from './queue.js';

/** How many unconfirmed tasks one sweep publishes again; the next (re)connect takes the rest. */
const SWEEP_LIMIT = 10_000;

/** The web service's outbox: for RabbitMQ unless its BROKER_URL says outbox=0; the embedded queue
 * is a store write itself and needs none. */
export function openOutbox(broker: Broker, store: TaskStore, warn: (msg: string) => void): Outbox | undefined {
  return broker instanceof AmqpBroker && broker.outbox ? new Outbox(broker, store, warn) : undefined;
}

/** Publishes for the web service: send() without waiting for the confirm, sweep() at each connect. */
export class Outbox {
  private readonly pending = new Set<Promise<void>>();
  private troubled = false;

  constructor(
    private readonly broker: AmqpBroker,
    private readonly store: TaskStore,
    private readonly warn: (msg: string) => void,
  ) {
    broker.whenConnected(() => { void this.sweep(); });
  }

  /** Waits (briefly, at a reconnect) for an open channel; rejects with BrokerUnavailable. */
  ready(): Promise<void> {
    return this.broker.ready();
  }

  /** Puts job on the wire now (the channel is open after ready()); its record was created with outbox: true. */
  send(job: Job): void {
    const confirmed = this.broker.publish(job).then(
      () => this.store.published(job.taskId).catch((err: Error) => {
        // harmless: the worker has begun it or will, and a sweep skips a task that is no longer queued
        this.warn(`task store unavailable: task ${job.taskId} was confirmed but stays marked unconfirmed: ${err.message}`);
      }),
      (err: Error) => {
        if (this.troubled) return; // one line per episode; the sweep at the reconnect ends it
        this.troubled = true;
        this.warn(`broker did not confirm task ${job.taskId} (${err.message}); it stays queued in the task store and is published again when the broker reconnects`);
      },
    );
    this.pending.add(confirmed);
    void confirmed.finally(() => this.pending.delete(confirmed));
  }

  /** Publishes again every queued task whose confirm never came; returns how many. */
  async sweep(): Promise<number> {
    this.troubled = false;
    let rows: { id: string; kind: string }[];
    try {
      rows = await this.store.unpublished(SWEEP_LIMIT);
    } catch (err) {
      this.warn(`task store unavailable: unconfirmed tasks are published at the next broker connect: ${(err as Error).message}`);
      return 0;
    }
    for (const r of rows) this.send({ taskId: r.id, kind: r.kind });
    if (rows.length > 0) this.warn(`published ${rows.length} task(s) again whose broker confirm never came`);
    return rows.length;
  }

  /** Waits up to ms for the confirms still due, so a clean stop leaves nothing to sweep. */
  async drain(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((resolve) => { timer = setTimeout(resolve, ms); }),
    ]);
    clearTimeout(timer);
  }
}
