// The broker seen by the app: publish a job, consume with acknowledgement after the work is done.

import type { TraceHeaders } from '../apm.js';

/** What travels through the queue; the task's details live in the store. trace links the task's
 * transaction to the request that queued it when New Relic runs (absent otherwise). */
export interface Job { taskId: string; kind: string; trace?: TraceHeaders }

/** One delivery; exactly one of ack, retry, deadLetter is called. */
export interface Delivery {
  job: Job;
  /** 1 for the first delivery, counting retries (a redelivery after a crash does not count). */
  attempt: number;
  ack(): Promise<void>;
  retry(delayMs: number): Promise<void>;
  deadLetter(reason: string): Promise<void>;
}

/** A task queue. */
export interface Broker {
  readonly kind: string;
  publish(job: Job): Promise<void>;
  /** Calls handler for one delivery at a time until stopConsuming. */
  consume(handler: (d: Delivery) => Promise<void>): Promise<void>;
  /** Stops taking new deliveries; the one in hand still completes. */
  stopConsuming(): Promise<void>;
  depth(): Promise<number>;
  close(): Promise<void>;
}

/** Thrown by publish when the broker is unreachable; web answers 503. */
export class BrokerUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerUnavailable';
  }
}
