// Tier 2: task state in the real PostgreSQL on 127.0.0.1:5432 (database test), one schema per test.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PostgresStore } from '../../app/store/postgres.js';
import { api, startStack, waitTask } from './stack.js';

const BASE = 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema name, dropped after the test. */
function schema(): string {
  const name = `svrun_app_${randomBytes(4).toString('hex')}`;
  onTestFinished(async () => {
    const c = new pg.Client(BASE);
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await c.end();
  });
  return name;
}

describe('postgres task store', () => {
  it('records done at most once however often a task finishes', async () => {
    const store = new PostgresStore(`${BASE}?schema=${schema()}`, pino({ level: 'silent' }));
    onTestFinished(() => store.close());
    await store.create({ id: 't1', kind: 'noop', args: { a: 1 } });
    expect(await store.begin('t1')).toMatchObject({ state: 'running', attempts: 1, args: { a: 1 } });
    expect(await store.finish('t1', { ok: 1 })).toBe(true);
    expect(await store.finish('t1', { ok: 2 })).toBe(false);
    expect(await store.get('t1')).toMatchObject({ state: 'done', completions: 1, result: { ok: 1 } });
    expect((await store.list(10)).map((t) => t.id)).toEqual(['t1']);
  });

  it('runs the stack on DATABASE_URL=postgres://… without logging its password', async () => {
    const s = await startStack({ env: { DATABASE_URL: `postgres://postgres:pw-not-needed@127.0.0.1:5432/test?schema=${schema()}` } });
    const { body } = await api(s, '/api/tasks', { kind: 'noop' });
    expect(await waitTask(s, body.id, (t) => t.state === 'done')).toMatchObject({ completions: 1 });
    expect(s.up.output()).toContain('postgres://postgres:***@127.0.0.1');
    expect(s.up.output()).not.toContain('pw-not-needed');
  });

  it('answers 503 for queued tasks while the database is unreachable, runs inline ones unrecorded, and still serves the rest', async () => {
    // nothing listens on port 1: a database that is down from the start
    const s = await startStack({ services: ['web'], env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' } });
    const r = await api(s, '/api/tasks', { kind: 'noop' });
    expect(r.status).toBe(503);
    expect(r.body.error).toMatch(/task store unavailable/);
    expect((await api(s, '/api/tasks')).status).toBe(503);
    // apply's answer is its result; the record for the dashboard is written after it, and lost here
    const inline = await api(s, '/api/tasks', { kind: 'noop', mode: 'apply' });
    expect(inline.status).toBe(200);
    expect(inline.body).toMatchObject({ state: 'done', result: { ok: true } });
    await s.up.waitFor(`task ${inline.body.id} (apply) ran but is not recorded`);
    expect((await api(s, '/healthz')).status).toBe(200);
    expect((await fetch(`${s.url}/report`)).status).toBe(200);
    const page = await (await fetch(`${s.url}/`)).text();
    expect(page).toContain('task store unavailable');
    await s.up.waitFor('"setting":"DATABASE_URL"');
  });
});
