// RabbitMQ: a durable queue, persistent messages, publisher confirms, prefetch 1, and a
// reconnect loop with backoff. Retries wait in a TTL queue that dead-letters back to the main one.
import * as amqp from 'amqplib';
import type { Logger } from 'pino';
import { maskUrl } from '../config.js';
import { BrokerUnavailable, type Broker, type Delivery, type Job } from './queue.js';

/**
 * amqp://user:pass@host:port/vhost?queue=NAME&persistent=0&outbox=0; the queue name defaults to svrun.tasks.
 * Messages are persistent unless persistent=0: then the confirm comes once the queue holds the message
 * in memory (about 0.1 ms) instead of after RabbitMQ's fsync (about 0.4 ms on a v2 queue), and a broker
 * restart loses queued messages; the task record stays queued and can be submitted again.
 * outbox (default 1) is read by the web service: see outbox.ts.
 */
export class AmqpBroker implements Broker {
  readonly kind = 'amqp';
  private readonly url: string;
  private readonly queue: string;
  private readonly persistent: boolean;
  /** Answer applyAsync before the confirm (outbox.ts); outbox=0 waits for it. */
  readonly outbox: boolean;
  private connected: (() => void) | undefined;
  private conn: amqp.ChannelModel | undefined;
  private ch: amqp.ConfirmChannel | undefined;
  private connecting: Promise<void> | undefined;
  private handler: ((d: Delivery) => Promise<void>) | undefined;
  private consumerTag: string | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private closed = false;
  private delay = 100;
  private warned = false;
  private readonly odd = new Set<string>();

  constructor(url: string, private readonly log: Logger) {
    const u = new URL(url);
    this.queue = u.searchParams.get('queue') ?? 'svrun.tasks';
    u.searchParams.delete('queue');
    this.persistent = flag(u, 'persistent');
    this.outbox = flag(u, 'outbox');
    this.url = u.toString();
    this.connect();
  }

  async publish(job: Job): Promise<void> {
    await this.send(this.queue, job, 1);
  }

  /** Resolves once a channel is open (waiting a little for a connect in progress); BrokerUnavailable otherwise. */
  async ready(): Promise<void> {
    await this.channel();
  }

  /** Calls fn after every (re)connect, and now when connected. */
  whenConnected(fn: () => void): void {
    this.connected = fn;
    if (this.ch) fn();
  }

  async depth(): Promise<number> {
    const ch = this.ch;
    if (!ch) throw new BrokerUnavailable('broker unavailable');
    return (await ch.checkQueue(this.queue)).messageCount;
  }

  async consume(handler: (d: Delivery) => Promise<void>): Promise<void> {
    this.handler = handler;
    if (this.ch) await this.subscribe(this.ch);
  }

  async stopConsuming(): Promise<void> {
    this.handler = undefined;
    const tag = this.consumerTag;
    this.consumerTag = undefined;
    if (tag && this.ch) await this.ch.cancel(tag).catch(() => undefined);
    await this.inFlight;
  }

  async close(): Promise<void> {
    await this.stopConsuming();
    this.closed = true;
    await this.conn?.close().catch(() => undefined);
  }

  private async send(queue: string, job: Job, attempt: number, expirationMs?: number): Promise<void> {
    // with a channel open, the message goes out in this turn of the event loop (the outbox relies on it)
    const ch = this.ch ?? await this.channel();
    const opts: amqp.Options.Publish = { persistent: this.persistent, contentType: 'application/json', headers: { 'x-attempt': attempt } };
    if (expirationMs !== undefined) opts.expiration = String(expirationMs);
    await new Promise<void>((resolve, reject) => {
      ch.sendToQueue(queue, Buffer.from(JSON.stringify(job)), opts, (err) => (err ? reject(new BrokerUnavailable(String(err))) : resolve()));
    });
  }

  private async channel(): Promise<amqp.ConfirmChannel> {
    // a connection attempt in progress (startup, reconnect) is worth a short wait, not a 503
    if (!this.ch && this.connecting) await Promise.race([this.connecting, new Promise((r) => setTimeout(r, 1000).unref())]);
    if (!this.ch) throw new BrokerUnavailable(`broker unavailable (BROKER_URL ${maskUrl(this.url)})`);
    return this.ch;
  }

  private connect(): void {
    if (this.closed || this.connecting) return;
    this.connecting = this.open().then(
      () => { this.connecting = undefined; },
      (err: unknown) => {
        this.connecting = undefined;
        if (!this.warned) {
          this.warned = true;
          this.log.error({ backend: 'amqp', setting: 'BROKER_URL' }, `broker unavailable at ${maskUrl(this.url)}: ${(err as Error).message}; retrying with backoff`);
        }
        const wait = this.delay;
        this.delay = Math.min(this.delay * 2, 5000);
        setTimeout(() => this.connect(), wait).unref();
      },
    );
  }

  private async open(): Promise<void> {
    // named, so an operator (or a test) can find and close exactly these connections
    const conn = await amqp.connect(this.url, { clientProperties: { connection_name: `svrun-app ${this.queue} pid ${process.pid}` } });
    conn.on('error', () => undefined); // 'close' follows and handles it
    conn.on('close', () => this.lost(conn));
    let ch = await confirmChannel(conn);
    for (const [name, opts] of [
      [this.queue, {}],
      [`${this.queue}.retry`, { deadLetterExchange: '', deadLetterRoutingKey: this.queue }],
      [`${this.queue}.dead`, {}],
    ] as const) {
      ch = await this.declare(conn, ch, name, opts);
    }
    await ch.prefetch(1);
    this.conn = conn;
    this.ch = ch;
    this.delay = 100;
    this.log.info({ backend: 'amqp' }, `broker connected at ${maskUrl(this.url)}`);
    this.warned = false;
    if (this.handler) await this.subscribe(ch);
    this.connected?.();
  }

  // A durable classic queue in RabbitMQ's v2 storage (3.10+, the only one from 4.0): it confirms
  // a persistent message in about 0.4 ms where v1 takes 1.4 ms or more, both after the fsync. A
  // queue that already exists with other arguments (declared before, or by an operator: a
  // quorum queue, a v1 queue) is used as it is, with one line saying what it costs.
  private async declare(conn: amqp.ChannelModel, ch: amqp.ConfirmChannel, name: string, opts: amqp.Options.AssertQueue): Promise<amqp.ConfirmChannel> {
    try {
      await ch.assertQueue(name, { durable: true, ...opts, arguments: { 'x-queue-version': 2 } });
      return ch;
    } catch (err) {
      if ((err as { code?: number }).code !== 406) throw err;
      // the 406 closed the channel; the queue is there, only declared differently
      const fresh = await confirmChannel(conn);
      await fresh.checkQueue(name);
      if (this.odd.has(name)) return fresh; // said at the first connect, not at every reconnect
      this.odd.add(name);
      this.log.warn({ backend: 'amqp', setting: 'BROKER_URL', queue: name },
        `queue ${name} exists with other arguments than svrun's (${(err as Error).message.replace(/^.*PRECONDITION_FAILED - /, '')}); using it as it is. ` +
        'A classic queue in v2 storage confirms persistent messages faster: delete the queue while it is empty, or set a policy with queue-version 2');
      return fresh;
    }
  }

  private lost(conn: amqp.ChannelModel): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    this.ch = undefined;
    this.consumerTag = undefined;
    if (this.closed) return;
    this.log.warn({ backend: 'amqp', setting: 'BROKER_URL' }, 'broker connection lost; reconnecting with backoff');
    this.warned = true;
    this.connect();
  }

  private async subscribe(ch: amqp.ConfirmChannel): Promise<void> {
    const r = await ch.consume(this.queue, (msg) => {
      if (!msg) {
        // RabbitMQ cancelled the consumer (the queue was deleted): a fresh connection declares it again
        this.log.warn({ backend: 'amqp', queue: this.queue }, `broker cancelled the consumer of ${this.queue} (queue deleted?); reconnecting`);
        void this.conn?.close().catch(() => undefined);
        return;
      }
      const handler = this.handler;
      if (!handler) return; // cancelled meanwhile: unacked, RabbitMQ redelivers it
      const job = JSON.parse(msg.content.toString()) as Job;
      const attempt = Number(msg.properties.headers?.['x-attempt'] ?? 1);
      const d: Delivery = {
        job,
        attempt,
        ack: async () => ch.ack(msg),
        retry: async (delayMs) => {
          await this.send(`${this.queue}.retry`, job, attempt + 1, delayMs);
          ch.ack(msg);
        },
        deadLetter: async (reason) => {
          await this.send(`${this.queue}.dead`, { ...job, reason } as Job, attempt);
          ch.ack(msg);
        },
      };
      // one at a time: after a reconnect the broker may redeliver while the old task still runs
      this.inFlight = this.inFlight.then(() => handler(d)).catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'delivery not acknowledged; the broker redelivers it'));
    }, { noAck: false });
    this.consumerTag = r.consumerTag;
  }
}

// A 0/1 switch in the URL's query, removed from it; default on.
function flag(u: URL, name: string): boolean {
  const v = u.searchParams.get(name) ?? '1';
  if (!/^(0|1|true|false)$/.test(v)) throw new Error(`BROKER_URL: ${name}: want 0 or 1, got ${JSON.stringify(v)}`);
  u.searchParams.delete(name);
  return v === '1' || v === 'true';
}

async function confirmChannel(conn: amqp.ChannelModel): Promise<amqp.ConfirmChannel> {
  const ch = await conn.createConfirmChannel();
  ch.on('error', () => undefined); // a 406 on declare is handled where it happens
  return ch;
}
