// Tier 2: the stack on the real RabbitMQ at 127.0.0.1:5672, one queue per test; connections
// are closed from the broker side (only ours, by name) while tasks are queued.
import { randomBytes } from 'node:crypto';
import * as amqp from 'amqplib';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { pollUntil } from '../helpers/proc.js';
import { api, startStack, waitTask } from './stack.js';

const BASE = 'amqp://guest:guest@127.0.0.1:5672';

/** A fresh queue name; the queue and its .retry/.dead siblings are deleted after the test. */
function queue(): string {
  const name = `svrun-app-test-${randomBytes(4).toString('hex')}`;
  onTestFinished(async () => {
    const conn = await amqp.connect(BASE);
    const ch = await conn.createChannel();
    for (const q of [name, `${name}.retry`, `${name}.dead`]) await ch.deleteQueue(q);
    await conn.close();
  });
  return name;
}

/** Closes, from the broker side, every connection the app opened for this queue. */
async function closeConnections(q: string): Promise<number> {
  const { stdout } = await execa('rabbitmqctl', ['-q', 'list_connections', '--no-table-headers', 'pid', 'client_properties'], { reject: false });
  const pids = stdout.split('\n').filter((l) => l.includes(`svrun-app ${q} `)).map((l) => l.split('\t')[0]!);
  for (const pid of pids) await execa('rabbitmqctl', ['close_connection', pid, 'test: broker-side close']);
  return pids.length;
}

describe('RabbitMQ broker', () => {
  it('runs tasks through a durable queue, retries them and dead-letters them', async () => {
    const q = queue();
    const s = await startStack({ env: { BROKER_URL: `${BASE}?queue=${q}`, TASK_MAX_TRIES: '2', TASK_RETRY_BASE_MS: '50' } });
    expect(s.up.output()).toContain('amqp://guest:***@127.0.0.1:5672');
    const ok = await api(s, '/api/tasks', { kind: 'noop' });
    expect(ok.status).toBe(202);
    expect(await waitTask(s, ok.body.id, (t) => t.state === 'done')).toMatchObject({ completions: 1 });
    const bad = await api(s, '/api/tasks', { kind: 'fail' });
    expect(await waitTask(s, bad.body.id, (t) => t.state === 'dead')).toMatchObject({ attempts: 2 });
    const conn = await amqp.connect(BASE);
    onTestFinished(() => conn.close());
    const ch = await conn.createChannel();
    const dead = await pollUntil(async () => (await ch.get(`${q}.dead`)) || null, 5000, 'a dead letter');
    expect(JSON.parse(dead.content.toString())).toMatchObject({ taskId: bad.body.id });
  });

  it('publishes transient messages, still confirmed, with persistent=0 in BROKER_URL', async () => {
    const q = queue();
    const s = await startStack({ services: ['web'], env: { BROKER_URL: `${BASE}?queue=${q}&persistent=0` } });
    await s.up.waitFor('broker connected');
    const r = await api(s, '/api/tasks', { kind: 'noop' });
    expect(r.status).toBe(202);
    const conn = await amqp.connect(BASE);
    onTestFinished(() => conn.close());
    const msg = await (await conn.createChannel()).get(q, { noAck: true });
    expect(msg && JSON.parse(msg.content.toString())).toMatchObject({ taskId: r.body.id });
    expect(msg && msg.properties.deliveryMode).not.toBe(2);
  });

  it('declares its queues in v2 storage, and uses a queue declared otherwise as it is, saying so once', async () => {
    const fresh = queue();
    const a = await startStack({ services: ['web'], env: { BROKER_URL: `${BASE}?queue=${fresh}` } });
    await a.up.waitFor('broker connected');
    const { stdout } = await execa('rabbitmqctl', ['-q', 'list_queues', '--no-table-headers', 'name', 'arguments']);
    const args = (name: string) => stdout.split('\n').find((l) => l.startsWith(`${name}\t`));
    expect(args(fresh)).toContain('x-queue-version');
    expect(args(`${fresh}.retry`)).toContain('x-queue-version');

    const old = queue();
    const conn = await amqp.connect(BASE);
    onTestFinished(() => conn.close());
    await (await conn.createChannel()).assertQueue(old, { durable: true }); // as svrun declared it before
    const b = await startStack({ env: { BROKER_URL: `${BASE}?queue=${old}` } });
    await b.up.waitFor('broker connected');
    expect(b.up.output()).toContain(`queue ${old} exists with other arguments`);
    const r = await api(b, '/api/tasks', { kind: 'noop' });
    expect(r.status).toBe(202);
    expect(await waitTask(b, r.body.id, (t) => t.state === 'done')).toMatchObject({ completions: 1 });
  });

  it('loses no task when the broker closes the connections while tasks are queued', async () => {
    const q = queue();
    const s = await startStack({ env: { BROKER_URL: `${BASE}?queue=${q}` } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api(s, '/api/tasks', { kind: 'long', args: { steps: 3, stepMs: 100 } })).body.id);
    await waitTask(s, ids[0]!, (t) => t.state === 'running');
    expect(await closeConnections(q)).toBe(2); // web's and the worker's
    await s.up.waitFor('broker connection lost');
    // both sides reconnect with backoff
    await pollUntil(() => (s.up.output().match(/broker connected/g) ?? []).length >= 4, 15_000, 'both reconnected');
    ids.push((await api(s, '/api/tasks', { kind: 'noop' })).body.id);
    for (const id of ids) expect(await waitTask(s, id, (t) => t.state === 'done', 20_000)).toMatchObject({ completions: 1 });
  });

  it('answers applyAsync before the confirm, keeps a task the broker refused, and publishes it again at the reconnect', async () => {
    const q = queue();
    const conn = await amqp.connect(BASE);
    onTestFinished(() => conn.close());
    const ch = await conn.createChannel();
    // a queue that takes nothing: RabbitMQ nacks every publish to it
    await ch.assertQueue(q, { durable: true, arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } });
    const s = await startStack({ services: ['web'], env: { BROKER_URL: `${BASE}?queue=${q}` } });
    await s.up.waitFor('broker connected');
    const r = await api(s, '/api/tasks', { kind: 'noop' });
    expect(r.status).toBe(202);
    await s.up.waitFor(`broker did not confirm task ${r.body.id}`);
    expect((await api(s, `/api/tasks/${r.body.id}`)).body).toMatchObject({ state: 'queued' });

    await ch.deleteQueue(q); // web declares an ordinary one when it reconnects
    expect(await closeConnections(q)).toBe(1);
    await s.up.waitFor('published 1 task(s) again');
    const msg = await pollUntil(async () => (await ch.get(q, { noAck: true })) || null, 5000, 'the task in the queue');
    expect(JSON.parse(msg.content.toString())).toMatchObject({ taskId: r.body.id });
  });

  it('marks a confirmed task, so that a reconnect does not publish it again', async () => {
    const q = queue();
    const s = await startStack({ services: ['web'], env: { BROKER_URL: `${BASE}?queue=${q}` } });
    await s.up.waitFor('broker connected');
    const conn = await amqp.connect(BASE);
    onTestFinished(() => conn.close());
    const ch = await conn.createChannel();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api(s, '/api/tasks', { kind: 'noop' })).body.id);
    await pollUntil(async () => (await ch.checkQueue(q)).messageCount === 3 || null, 5000, '3 messages');
    expect(await closeConnections(q)).toBe(1);
    await pollUntil(() => (s.up.output().match(/broker connected/g) ?? []).length >= 2 || null, 15_000, 'web reconnected');
    // a sweep at the connect sends before this task, on the same channel: its copies would be counted first
    ids.push((await api(s, '/api/tasks', { kind: 'noop' })).body.id);
    await pollUntil(async () => (await ch.checkQueue(q)).messageCount >= 4 || null, 5000, '4 messages');
    const got: string[] = [];
    for (let m = await ch.get(q, { noAck: true }); m; m = await ch.get(q, { noAck: true })) got.push(JSON.parse(m.content.toString()).taskId);
    expect(got).toEqual(ids);
    expect(s.up.output()).not.toContain('task(s) again');
  });

  it('consumes again when the queue is deleted under the worker', async () => {
    const q = queue();
    const s = await startStack({ env: { BROKER_URL: `${BASE}?queue=${q}` } });
    const conn = await amqp.connect(BASE);
    onTestFinished(() => conn.close());
    // Not while web declares the queue at its connect: on RabbitMQ 3.10 a delete racing another
    // client's declare of the same name can leave the consumer registered, never cancelled and
    // never served (README, "The bundled stack"), which is the broker's, not what this test is about.
    await pollUntil(() => (s.up.output().match(/broker connected/g) ?? []).length >= 2 || null, 15_000, 'web and worker connected');
    // "broker connected" comes before the worker's consume: delete the queue once it consumes
    // (a channel per look: checkQueue on a queue not declared yet closes its channel)
    await pollUntil(async () => {
      const c = await conn.createChannel();
      c.on('error', () => {});
      try {
        return (await c.checkQueue(q)).consumerCount >= 1 || null;
      } finally {
        await c.close().catch(() => {});
      }
    }, 15_000, 'the worker consuming');
    await (await conn.createChannel()).deleteQueue(q);
    await s.up.waitFor('broker cancelled the consumer');
    await pollUntil(() => (s.up.output().match(/broker connected/g) ?? []).length >= 3 || null, 15_000, 'the worker reconnected');
    const r = await api(s, '/api/tasks', { kind: 'noop' });
    expect(await waitTask(s, r.body.id, (t) => t.state === 'done')).toMatchObject({ completions: 1 });
  });

  it('answers 503 while the broker is unreachable and names BROKER_URL in one log line', async () => {
    const s = await startStack({ services: ['web'], env: { BROKER_URL: 'amqp://guest:secretpw@127.0.0.1:1' } });
    const r = await api(s, '/api/tasks', { kind: 'noop' });
    expect(r.status).toBe(503);
    expect((await api(s, '/api/tasks', { kind: 'noop', mode: 'apply' })).status).toBe(200);
    await s.up.waitFor('"setting":"BROKER_URL"');
    expect(s.up.output().match(/broker unavailable at/g)).toHaveLength(1);
    expect(s.up.output()).not.toContain('secretpw');
  });
});
