// Tier 2: the bundled stack (embedded defaults) under a real `svrun up`, through its HTTP API.
import { describe, expect, it } from 'vitest';
import { api, startStack, waitTask } from './stack.js';

describe('bundled stack with embedded defaults', () => {
  it('logs where the dashboard is, answers /healthz, runs applyAsync and apply tasks, lists them', async () => {
    const s = await startStack();
    expect((await api(s, '/healthz')).body).toEqual({ ok: true });

    const queued = await api(s, '/api/tasks', { kind: 'noop' });
    expect(queued.status).toBe(202);
    const done = await waitTask(s, queued.body.id, (t) => t.state === 'done');
    expect(done).toMatchObject({ kind: 'noop', result: { ok: true }, attempts: 1, completions: 1 });
    // sub-millisecond wall-clock stamps from two processes (web's at publish, the worker's at
    // start), each within the millisecond Date.now() gives, so in order like Date.now() itself
    expect(queued.body.enqueuedAt).toBeGreaterThanOrEqual(done.createdAt);
    expect(done.startedAt).toBeGreaterThanOrEqual(Math.floor(queued.body.enqueuedAt));
    expect(done.startedAt).toBeLessThanOrEqual(done.updatedAt + 1);

    const inline = await api(s, '/api/tasks', { kind: 'noop', mode: 'apply' });
    expect(inline.status).toBe(200);
    expect(inline.body).toMatchObject({ state: 'done', result: { ok: true }, completions: 1 });
    const timed = await fetch(`${s.url}/api/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"mode":"apply"}' });
    expect(timed.headers.get('server-timing')).toMatch(/^app;dur=\d+\.\d{3}$/);
    await timed.text();

    const list = await api(s, '/api/tasks');
    expect(list.body.tasks.map((t: { id: string }) => t.id).slice(1)).toEqual([inline.body.id, queued.body.id]);
    expect((await api(s, '/api/tasks/nope')).status).toBe(404);
    const bad = await api(s, '/api/tasks', { kind: 'rm-rf' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/unknown task kind "rm-rf"/);
  });

  it('reports progress of a long task and a result at the end', async () => {
    const s = await startStack();
    const { body } = await api(s, '/api/tasks', { kind: 'long', args: { steps: 10, stepMs: 100 } });
    const mid = await waitTask(s, body.id, (t) => t.state === 'running' && t.progress > 0 && t.progress < 100);
    expect(mid.progress).toBeGreaterThan(0);
    const done = await waitTask(s, body.id, (t) => t.state === 'done');
    expect(done).toMatchObject({ progress: 100, result: { steps: 10 }, completions: 1 });
  });

  it('retries a failing task with backoff and dead-letters it after TASK_MAX_TRIES', async () => {
    const s = await startStack({ env: { TASK_MAX_TRIES: '3', TASK_RETRY_BASE_MS: '50' } });
    const flaky = await api(s, '/api/tasks', { kind: 'fail', args: { times: 1 } });
    const always = await api(s, '/api/tasks', { kind: 'fail' });
    expect(await waitTask(s, flaky.body.id, (t) => t.state === 'done')).toMatchObject({ attempts: 2, result: { attempt: 2 } });
    const dead = await waitTask(s, always.body.id, (t) => t.state === 'dead');
    expect(dead.attempts).toBe(3);
    expect(dead.error).toMatch(/attempt 3 fails on purpose/);
    await s.up.waitFor('task dead-lettered');
  });

  it('serves the report page through the cache: a miss, then a hit, both counted in /metrics', async () => {
    const s = await startStack({ services: ['web'] });
    const first = await fetch(`${s.url}/report`);
    expect(first.headers.get('x-cache')).toBe('miss');
    expect(await first.text()).toMatch(/cache: <b id="cache">miss<\/b> \(locmem\)/);
    const second = await fetch(`${s.url}/report`);
    expect(second.headers.get('x-cache')).toBe('hit');
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/^app_cache_misses_total\{cache="locmem"\} 1$/m);
    expect(metrics).toMatch(/^app_cache_hits_total\{cache="locmem"\} 1$/m);
    expect(metrics).toMatch(/^app_http_requests_total\{method="GET",route="\/report",status="200"\} 2$/m);
    expect(metrics).toMatch(/^app_queue_depth \d+$/m);
  });

  it('shows recent tasks and the supervised services on the dashboard', async () => {
    const s = await startStack();
    const { body } = await api(s, '/api/tasks', { kind: 'noop', mode: 'apply' });
    const html = await (await fetch(`${s.url}/`)).text();
    expect(html).toContain(`data-id="${body.id}" data-state="done"`);
    expect(html).toMatch(/<tr data-service="web"><td>web<\/td><td>run<\/td><td>\d+<\/td>/);
    expect(html).toMatch(/<tr data-service="worker"><td>worker<\/td><td>run<\/td>/);
  });

  it('names the setting in one log line for a bad URL, never printing its password', async () => {
    const s = await startStack({ services: ['web'], wait: false, env: { BROKER_URL: 'bogus://admin:hunter2@db:1/x' } });
    await s.up.waitFor('BROKER_URL: unknown scheme in \\"bogus://admin:***@db:1/x\\"');
    expect(s.up.output()).not.toContain('hunter2');
  });
});
