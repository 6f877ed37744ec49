// The fastify app: dashboard, JSON API, the cached report page, health and metrics.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { maskUrl } from '../config.js';
import { gauge, inc, observe, render } from '../metrics.js';
import { buildReport, REPORT_KEY, type Report } from '../tasks/report.js';
import { dashboard, taskRows } from './dashboard.js';
import { esc } from './html.js';
import { readServices } from './services.js';
import { submit, SubmitError, type Deps, type Mode } from './submit.js';

/** Builds the server (not listening yet). */
export function buildServer(cfg: Config, deps: Deps, log: Logger): FastifyInstance {
  const app = Fastify({ loggerInstance: log as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }) });
  gauge('app_queue_depth', 'jobs waiting or running in the queue', () => deps.broker.depth());

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    inc('app_http_requests_total', { method: req.method, route, status: String(reply.statusCode) });
    observe('app_http_request_seconds', { route }, reply.elapsedTime / 1000);
  });
  app.setErrorHandler((e, _req, reply) => {
    const err = e as Error;
    const status = err instanceof SubmitError ? err.status : (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) log.error({ err: err.message }, 'request failed');
    void reply.code(status).send({ error: err.message });
  });

  const recent = async () => {
    try { return await deps.store.list(20); } catch { return undefined; }
  };

  app.get('/', async (_req, reply) => {
    const backends = { cache: maskUrl(cfg.cacheUrl), broker: maskUrl(cfg.brokerUrl), database: maskUrl(cfg.databaseUrl) };
    return reply.type('text/html; charset=utf-8').send(dashboard({ tasks: await recent(), services: readServices(cfg.servicesDir), backends }));
  });
  app.get('/fragments/tasks', async (_req, reply) => {
    const tasks = await recent();
    if (!tasks) return reply.code(503).send('task store unavailable');
    return reply.type('text/html; charset=utf-8').send(taskRows(tasks));
  });
  app.post('/tasks', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    await submit(deps, body.kind ?? 'noop', {}, (body.mode ?? 'applyAsync') as Mode);
    return reply.redirect('/', 303);
  });

  app.post('/api/tasks', async (req, reply) => {
    const body = (req.body ?? {}) as { kind?: string; args?: Record<string, unknown>; mode?: Mode };
    const t0 = performance.now();
    const r = await submit(deps, body.kind ?? 'noop', body.args ?? {}, body.mode ?? 'applyAsync');
    // the server's own share of the round trip, for browsers' dev tools and the benchmark
    void reply.header('server-timing', `app;dur=${(performance.now() - t0).toFixed(3)}`);
    return r.task ? reply.code(200).send(r.task) : reply.code(202).send({ id: r.id, enqueuedAt: r.enqueuedAt });
  });
  app.get('/api/tasks', async () => {
    const tasks = await deps.store.list(50).catch((err: Error) => { throw new SubmitError(503, `task store unavailable: ${err.message}`); });
    return { tasks };
  });
  app.get<{ Params: { id: string } }>('/api/tasks/:id', async (req, reply) => {
    const t = await deps.store.get(req.params.id).catch((err: Error) => { throw new SubmitError(503, `task store unavailable: ${err.message}`); });
    return t ? t : reply.code(404).send({ error: 'no such task' });
  });

  app.get('/report', async (_req, reply) => {
    const t0 = performance.now();
    const cached = await deps.cache.get(REPORT_KEY);
    let report: Report;
    if (cached) {
      report = JSON.parse(cached) as Report;
      inc('app_cache_hits_total', { cache: deps.cache.kind });
    } else {
      report = buildReport();
      inc('app_cache_misses_total', { cache: deps.cache.kind });
      await deps.cache.set(REPORT_KEY, JSON.stringify(report), 60);
    }
    const status = cached ? 'hit' : 'miss';
    void reply.header('server-timing', `app;dur=${(performance.now() - t0).toFixed(3)}`);
    return reply.header('x-cache', status).type('text/html; charset=utf-8').send(`<!doctype html><html><head><meta charset="utf-8"><title>report</title></head><body>
<h1>Sales report</h1><p>cache: <b id="cache">${status}</b> (${esc(deps.cache.kind)}); ${esc(report.orders)} orders aggregated in ${esc(report.millis)} ms</p>
<table><tr><th>region</th><th>total</th></tr>${report.regions.map((r) => `<tr><td>${esc(r.region)}</td><td>${esc(r.total)}</td></tr>`).join('')}</table>
<p><a href="/">dashboard</a></p></body></html>`);
  });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(await render()));
  return app;
}
