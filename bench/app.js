// Bench of the bundled stack under a real `svrun up`: apply vs applyAsync request latency,
// enqueue-to-start latency, and the report page uncached vs cached.
// Usage: node bench/app.js [BROKER_URL] [CACHE_URL]   (npm run build first)
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const N = Number(process.env.N) || 300;
const [brokerUrl = 'sqlite://', cacheUrl = 'locmem://'] = process.argv.slice(2);

const port = await new Promise((res) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
const dir = mkdtempSync(join(tmpdir(), 'svrun-bench-app-'));
for (const svc of ['web', 'worker']) {
  cpSync(join(REPO, 'services', svc), join(dir, 'services', svc), { recursive: true });
  writeFileSync(join(dir, 'services', svc, 'env', 'BROKER_URL'), `${brokerUrl}\n`);
  writeFileSync(join(dir, 'services', svc, 'env', 'CACHE_URL'), `${cacheUrl}\n`);
}
writeFileSync(join(dir, 'services/web/env/PORT'), `${port}\n`);
writeFileSync(join(dir, 'services/.env'), `APP_ROOT=${REPO}\nDATA_DIR=${join(dir, 'var')}\n`);

const up = spawn(process.execPath, [join(REPO, 'dist/bin/svrun.js'), 'up', '--console', join(dir, 'services')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
let out = '';
up.stdout.on('data', (d) => { out += d; });
up.stderr.on('data', (d) => { out += d; });
const until = async (test, what, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}\n${out}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
try {
  await until(() => out.includes('dashboard: http') && out.includes('worker ready'), 'stack up');
  const url = `http://127.0.0.1:${port}`;
  const post = (body) => fetch(`${url}/api/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
  const time = async (fn) => { const t0 = performance.now(); const v = await fn(); return [performance.now() - t0, v]; };
  const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2); };

  for (let i = 0; i < 50; i++) { await post({ kind: 'noop', mode: 'apply' }); await post({ kind: 'noop' }); } // warm-up
  const health = [];
  for (let i = 0; i < N; i++) health.push((await time(() => fetch(`${url}/healthz`).then((r) => r.json())))[0]);
  const apply = [];
  for (let i = 0; i < N; i++) apply.push((await time(() => post({ kind: 'noop', mode: 'apply' })))[0]);
  const async_ = [];
  const sent = new Map();
  for (let i = 0; i < N; i++) {
    const wall = Date.now();
    const [ms, r] = await time(() => post({ kind: 'noop' }));
    async_.push(ms);
    sent.set(r.id, wall);
    // one at a time, so enqueue-to-start measures wake-up, not a backlog
    await until(() => out.includes(`"taskId":"${r.id}","kind":"noop","ms"`), 'task done', 5000);
  }
  const starts = [];
  for (const line of out.split('\n')) {
    const m = line.match(/"time":(\d+),.*"taskId":"([^"]+)".*"msg":"task started"/);
    if (m && sent.has(m[2])) starts.push(Number(m[1]) - sent.get(m[2]));
  }
  const pages = [];
  for (let i = 0; i < 5; i++) {
    const [ms] = await time(async () => { const r = await fetch(`${url}/report`); await r.text(); return r.headers.get('x-cache'); });
    pages.push(ms);
  }
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const server = (name) => Object.fromEntries(['0.5', '0.99'].map((qq) => [qq === '0.5' ? 'p50' : 'p99',
    (Number(metrics.match(new RegExp(`^${name}\\{kind="noop",quantile="${qq}"\\} (\\S+)$`, 'm'))?.[1]) * 1000).toFixed(3)]));
  console.log(JSON.stringify({
    serverSideMs: { apply: server('app_apply_seconds'), applyAsync: server('app_enqueue_seconds'), note: 'inside the web process, last 1024' },
    broker: brokerUrl.replace(/:[^:@/]*@/, ':***@'), cache: cacheUrl, n: N,
    healthzMs: { p50: q(health, 0.5), p99: q(health, 0.99), note: 'HTTP round trip floor' },
    applyMs: { p50: q(apply, 0.5), p99: q(apply, 0.99) },
    applyAsyncMs: { p50: q(async_, 0.5), p99: q(async_, 0.99) },
    enqueueToStartMs: { p50: q(starts, 0.5), p99: q(starts, 0.99), note: 'ms resolution (log timestamps)' },
    reportMs: { uncached: pages[0].toFixed(1), cachedMedian: q(pages.slice(1), 0.5) },
  }, null, 2));
} finally {
  up.kill('SIGTERM');
  await new Promise((r) => up.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
