#!/usr/bin/env node
// `npm run bench:newrelic`: the bundled web service under a real `svrun up`, with and without
// the New Relic agent, in the same run: startup to the first good /healthz, throughput and
// latency of GET /healthz and of POST /api/tasks (apply, noop), and the web process's RSS.
// The agent reports to a fake HTTPS collector in this process; cloud probes are off, so no
// traffic leaves 127.0.0.1. Writes bench/results-newrelic.md. Run `npm run build` first.
// Env: ROUNDS (3), REQUESTS per route per round (2000), CONCURRENCY (8).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SVRUN = join(REPO, 'dist/bin/svrun.js');
const ROUNDS = Number(process.env.ROUNDS) || 3;
const REQUESTS = Number(process.env.REQUESTS) || 2000;
const CONCURRENCY = Number(process.env.CONCURRENCY) || 8;
const WARMUP = 200;
const LICENSE_KEY = 'bench0123456789abcdef';
// Every process that loads the agent gets these: no probes of cloud metadata endpoints.
const NO_CLOUD = Object.fromEntries(['AWS', 'AZURE', 'GCP', 'PCF', 'DOCKER', 'KUBERNETES', 'AZUREFUNCTION']
  .map((c) => [`NEW_RELIC_UTILIZATION_DETECT_${c}`, 'false']));

if (!existsSync(SVRUN) || !existsSync(join(REPO, 'dist/app/web/main.js'))) {
  console.error('svrun bench: fatal: dist/ is missing: run npm run build first');
  process.exit(111);
}

const loadBefore = loadavg()[0];
const work = mkdtempSync(join(tmpdir(), 'svrun-bench-nr-'));
const collector = await fakeCollector(work);
const results = { off: [], on: [] };
try {
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate which variant goes first, so drift on a shared machine hits both alike.
    const order = round % 2 ? ['off', 'on'] : ['on', 'off'];
    for (const variant of order) {
      const r = await runOnce(variant, round);
      results[variant].push(r);
      console.error(`round ${round} ${variant}: startup ${r.startupMs.toFixed(0)} ms, healthz ${r.healthz.rps.toFixed(0)} req/s, apply ${r.apply.rps.toFixed(0)} req/s, rss ${r.rssMb.toFixed(0)} MB`);
    }
  }
} finally {
  collector.close();
  rmSync(work, { recursive: true, force: true });
}
const connects = collector.calls.filter((m) => m === 'connect').length;
if (connects !== ROUNDS) throw new Error(`expected ${ROUNDS} agent connects (one per agent run), got ${connects}`);
const md = report(results, connects, [loadBefore, loadavg()[0]]);
writeFileSync(join(REPO, 'bench/results-newrelic.md'), md);
process.stdout.write(md);

// One `svrun up` of the web service: start, wait for /healthz, load both routes, read RSS, stop.
async function runOnce(variant, round) {
  const port = await freePort();
  const dir = join(work, `${variant}-${round}`);
  cpSync(join(REPO, 'services/web'), join(dir, 'services/web'), { recursive: true, filter: (s) => !s.includes('/supervise') });
  const env = { PORT: String(port) };
  if (variant === 'on') {
    Object.assign(env, NO_CLOUD, {
      NEW_RELIC_LICENSE_KEY: LICENSE_KEY,
      NEW_RELIC_HOST: 'localhost',
      NEW_RELIC_PORT: String(collector.port),
      NEW_RELIC_CA_BUNDLE_PATH: collector.certPath,
      NEW_RELIC_LOG: join(dir, 'newrelic_agent.log'),
    });
  }
  for (const [k, v] of Object.entries(env)) writeFileSync(join(dir, 'services/web/env', k), `${v}\n`);
  writeFileSync(join(dir, 'services/.env'), `APP_ROOT=${REPO}\nDATA_DIR=${join(dir, 'var')}\n`);
  // Nothing New Relic leaks in from the caller's environment: the env/ files above decide.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NEW_RELIC_')));
  const t0 = performance.now();
  const up = spawn(process.execPath, [SVRUN, 'up', join(dir, 'services')], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...inherited, NO_COLOR: '1' } });
  let out = '';
  up.stderr.on('data', (d) => { out = (out + d).slice(-20_000); });
  const exited = new Promise((r) => up.on('exit', r));
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const base = { host: '127.0.0.1', port, agent };
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ok = await call({ ...base, method: 'GET', path: '/healthz' }).then((s) => s === 200, () => false);
      if (ok) break;
      if (Date.now() > deadline || up.exitCode !== null) throw new Error(`web never answered /healthz\n${out}`);
      await new Promise((r) => setTimeout(r, 10)); // poll interval: resolution of the startup figure
    }
    const startupMs = performance.now() - t0;
    const healthz = { ...base, method: 'GET', path: '/healthz' };
    const body = JSON.stringify({ kind: 'noop', mode: 'apply' });
    const apply = { ...base, method: 'POST', path: '/api/tasks?mode=apply', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, body };
    await load(healthz, WARMUP, 200);
    await load(apply, WARMUP, 200);
    const h = await load(healthz, REQUESTS, 200);
    const a = await load(apply, REQUESTS, 200);
    const pid = webPid(join(dir, 'services/web'));
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
    if (variant === 'on' && !/newrelic/.test(readFileSync(`/proc/${pid}/environ`, 'latin1'))) throw new Error('the agent was not preloaded in web');
    return { startupMs, healthz: h, apply: a, rssMb };
  } finally {
    agent.destroy();
    up.kill('SIGTERM');
    const timer = setTimeout(() => { try { process.kill(up.pid, 'SIGKILL'); } catch { /* gone */ } }, 15_000);
    await exited;
    clearTimeout(timer);
  }
}

// n requests, CONCURRENCY in flight on keep-alive sockets; every answer must have status want.
async function load(opts, n, want) {
  const lat = [];
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < n) {
      next++;
      const s = performance.now();
      const status = await call(opts);
      lat.push(performance.now() - s);
      if (status !== want) throw new Error(`${opts.method} ${opts.path}: status ${status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((x, y) => x - y);
  return { rps: n / secs, p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
}

function call({ body, ...opts }) {
  return new Promise((resolve, reject) => {
    const req = request(opts, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end(body);
  });
}

function webPid(svcDir) {
  const pid = Number(readFileSync(join(svcDir, 'supervise/pid'), 'utf8'));
  if (!pid) throw new Error(`no pid in ${svcDir}/supervise/pid`);
  return pid;
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function report(res, connects, load) {
  const rows = [
    ['startup to first good /healthz (ms)', (r) => r.startupMs, 0],
    ['GET /healthz throughput (req/s)', (r) => r.healthz.rps, 0],
    ['GET /healthz latency p50 (ms)', (r) => r.healthz.p50, 2],
    ['GET /healthz latency p99 (ms)', (r) => r.healthz.p99, 2],
    ['POST /api/tasks apply noop throughput (req/s)', (r) => r.apply.rps, 0],
    ['POST /api/tasks apply noop latency p50 (ms)', (r) => r.apply.p50, 2],
    ['POST /api/tasks apply noop latency p99 (ms)', (r) => r.apply.p99, 2],
    ['web RSS after load (MB)', (r) => r.rssMb, 0],
  ];
  const line = ([label, f, digits]) => {
    const off = median(res.off.map(f));
    const on = median(res.on.map(f));
    return `| ${label} | ${off.toFixed(digits)} | ${on.toFixed(digits)} | ${(on / off).toFixed(2)}× |`;
  };
  const perTxMs = 1000 / median(res.on.map((r) => r.healthz.rps)) - 1000 / median(res.off.map((r) => r.healthz.rps));
  return `# New Relic agent overhead on the bundled web service

\`npm run bench:newrelic\` (\`node bench/newrelic.js\`), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}).
The bundled web service (fastify, SQLite store, locmem cache) under \`svrun up\`, without and with
the agent (${connects} agent runs, each connected once to a fake HTTPS collector on 127.0.0.1; cloud
probes off). ${ROUNDS} rounds, interleaved, alternating which variant goes first; medians over rounds.
Each round: ${WARMUP} warm-up requests per route, then ${REQUESTS} requests per route, ${CONCURRENCY} in flight on
keep-alive sockets, from one Node process on the same machine (it also runs the collector).
Load average (1 min) at start and end: ${load.map((l) => l.toFixed(1)).join(' and ')}; on a shared machine, read the
ratios, not the absolute figures.

| metric | without agent | with agent | with / without |
|---|---:|---:|---:|
${rows.map(line).join('\n')}

Added time per request on the cheap route, at this concurrency: about ${perTxMs.toFixed(2)} ms
(1/throughput with − 1/throughput without; wall time of a busy machine, not CPU time). The agent's
cost is per transaction, so routes that do real work lose a smaller share.

## What svrun does to keep the cost down

* **One agent per service.** The preload starts the agent only in the app process: it marks the
  process (\`SVRUN_NEWRELIC_PID\`), so node children and grandchildren skip it, and it skips
  launchers (npm, npx, tsx, yarn, pnpm, corepack, nodemon) and worker threads. No second
  "app", no second connect, no second harvest loop, no second copy of the agent's memory.
* **No agent in svrun itself, in loggers (\`log/run\`) or in services that do not ask** for it:
  the wrapper only applies to a service whose env enables New Relic.
* **Native metrics off:** the \`@newrelic/native-metrics\` addon is not built
  (\`allowScripts\` in package.json), so no native sampler thread runs in each app.
* **Fail-open:** a bad setting means the app runs without the agent (one warning), never a
  crash or a retry loop that costs CPU; cloud metadata probes are off wherever we run it.
* **Bounded flush on stop** (3 s by default, well inside the 10 s kill timeout), so restarts
  do not lose the last minute of data and do not hang.

## Per-round figures

| round | variant | startup ms | /healthz req/s | /healthz p50/p99 ms | apply req/s | apply p50/p99 ms | RSS MB |
|---|---|---:|---:|---:|---:|---:|---:|
${['off', 'on'].flatMap((v) => res[v].map((r, i) => `| ${i + 1} | ${v === 'on' ? 'with' : 'without'} | ${r.startupMs.toFixed(0)} | ${r.healthz.rps.toFixed(0)} | ${r.healthz.p50.toFixed(2)}/${r.healthz.p99.toFixed(2)} | ${r.apply.rps.toFixed(0)} | ${r.apply.p50.toFixed(2)}/${r.apply.p99.toFixed(2)} | ${r.rssMb.toFixed(0)} |`)).join('\n')}
`;
}

// A minimal New Relic collector (docs/newrelic-node.md §4) with a self-signed certificate.
async function fakeCollector(dir) {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  const calls = [];
  let port = 0;
  const server = createHttps({ cert: readFileSync(certPath), key: readFileSync(keyPath) }, (req, res) => {
    req.resume();
    req.on('end', () => {
      const method = new URL(req.url ?? '/', 'https://x').searchParams.get('method') ?? '';
      calls.push(method);
      const value = method === 'preconnect' ? { redirect_host: `localhost:${port}` }
        : method === 'connect' ? { agent_run_id: `run-${calls.length}` } : {};
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ return_value: value }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  port = server.address().port;
  return { port, certPath, calls, close: () => { server.closeAllConnections(); server.close(); } };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}
