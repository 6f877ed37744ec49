// The bundled web and worker under a real `svrun up` with the New Relic agent, through a local
// CONNECT proxy (written without a scheme) to a fake HTTPS collector; all on 127.0.0.1.
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { loadedAgent, traceTask } from '../../app/apm.js';
import { pollUntil } from '../helpers/proc.js';
import { NO_CLOUD, connectProxy, fakeCollector, type Call } from '../wrap/newrelic/fakes.js';
import { api, startStack, waitTask } from './stack.js';

const KEY = 'fake0123456789abcdef';

// metric_data bodies are [run_id, start, end, [[{ name, scope? }, stats], …]].
function metricsByRun(calls: Call[]): Map<string, string[]> {
  const runs = new Map<string, string[]>();
  for (const c of calls) {
    const [run, , , data] = c.body as [string, number, number, [{ name: string }, unknown][]];
    runs.set(run, [...(runs.get(run) ?? []), ...data.map(([m]) => m.name)]);
  }
  return runs;
}

// analytic_event_data bodies are [run_id, { reservoir_size, events_seen }, [[intrinsics, user, agent], …]].
function transactionEvents(calls: Call[]): Record<string, unknown>[] {
  return calls.flatMap((c) => (c.body as [string, unknown, [Record<string, unknown>][]])[2].map(([intrinsics]) => intrinsics));
}

describe('the worker reports tasks to New Relic', () => {
  test('without the agent in the process, runs the task as is and loads no agent', async () => {
    expect(loadedAgent()).toBeUndefined();
    expect(await traceTask('noop', async () => 42)).toBe(42);
    const cache = createRequire(import.meta.url).cache;
    expect(Object.keys(cache).filter((k) => k.includes('/node_modules/newrelic/'))).toEqual([]);
  });

  test('finds the API a preloaded agent left in require.cache, and only a usable one', () => {
    const api = { startBackgroundTransaction: () => undefined, getTransaction: () => undefined };
    expect(loadedAgent({ __NR_cache: api } as unknown as NodeJS.Require['cache'])).toBe(api);
    expect(loadedAgent({ __NR_cache: { startBackgroundTransaction: api.startBackgroundTransaction } } as unknown as NodeJS.Require['cache'])).toBeUndefined();
    expect(loadedAgent({ __NR_cache: {} } as unknown as NodeJS.Require['cache'])).toBeUndefined();
  });

  test('under svrun up: worker tasks as OtherTransaction/Task/<kind>, the API request as a web transaction, one agent per service, via the proxy', async () => {
    const c = await fakeCollector();
    const p = await connectProxy();
    const s = await startStack({
      env: {
        ...NO_CLOUD,
        NEW_RELIC_LICENSE_KEY: KEY,
        NEW_RELIC_HOST: 'localhost',
        NEW_RELIC_PORT: String(c.port),
        NEW_RELIC_PROXY_URL: `127.0.0.1:${p.port}`,
        NEW_RELIC_CA_BUNDLE_PATH: c.certPath,
      },
    });
    // Data recorded before connect would be lost if the stop came first.
    await pollUntil(() => c.named('connect').length >= 2, 20_000, 'both agents to connect')
      .catch((err: Error) => { throw new Error(`${err.message}\n${s.up.output()}`); });

    const ids: string[] = [];
    for (const kind of ['noop', 'report', 'noop']) {
      const r = await api(s, '/api/tasks', { kind });
      expect(r.status).toBe(202);
      ids.push(r.body.id as string);
    }
    for (const id of ids) await waitTask(s, id, (t) => t.state === 'done');
    expect((await api(s, '/api/tasks', { kind: 'noop', mode: 'apply' })).status).toBe(200);

    await s.up.stop();
    await pollUntil(() => c.named('shutdown').length === 2, 10_000, 'both agents to flush on TERM')
      .catch((err: Error) => { throw new Error(`${err.message}; collector calls: ${c.calls.map((x) => x.method).join(' ')}\n${s.up.output()}`); });

    // The flush held each app's own process.exit(0) until it was done, and kept its code.
    expect(s.up.events().filter((e) => e.event === 'exited').map((e) => [e.service, e.code]).sort()).toEqual([['web', 0], ['worker', 0]]);
    const connects = c.named('connect').map((x) => (x.body as [{ app_name: string[] }])[0].app_name);
    expect(connects.sort()).toEqual([['web'], ['worker']]);
    expect(c.named('preconnect')).toHaveLength(2);

    const runOf = (name: string) => `run-${c.calls.findIndex((x) => x.method === 'connect' && (x.body as [{ app_name: string[] }])[0].app_name[0] === name) + 1}`;
    const metrics = metricsByRun(c.named('metric_data'));
    const worker = metrics.get(runOf('worker')) ?? [];
    const web = metrics.get(runOf('web')) ?? [];
    expect(worker).toContain('OtherTransaction/Task/noop');
    expect(worker).toContain('OtherTransaction/Task/report');
    expect(worker.some((n) => n.startsWith('WebTransaction/'))).toBe(false);
    expect(web).toContain('WebTransaction/WebFrameworkUri/Fastify/POST//api/tasks');
    expect(web.some((n) => n.startsWith('OtherTransaction/Task/'))).toBe(false);

    // each queued task continues the trace of the request that queued it
    const events = transactionEvents(c.named('analytic_event_data'));
    const posts = events.filter((e) => e.name === 'WebTransaction/WebFrameworkUri/Fastify/POST//api/tasks');
    const tasks = events.filter((e) => String(e.name).startsWith('OtherTransaction/Task/'));
    expect(tasks).toHaveLength(3);
    for (const t of tasks) {
      expect(posts.map((e) => e.traceId)).toContain(t.traceId);
      expect(t['parent.transportType']).toBe('Queue');
    }
    expect(new Set(tasks.map((t) => t.traceId)).size).toBe(3);

    expect(p.connects.length).toBeGreaterThan(0);
    expect(p.connects.every((x) => x.target === `localhost:${c.port}`)).toBe(true);
    expect(c.calls.every((x) => x.licenseKey === KEY)).toBe(true);
    expect(s.up.output()).not.toContain(KEY);
  });
});
