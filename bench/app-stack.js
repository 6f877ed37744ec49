// The processes the app benchmark runs: memcached servers and one `svrun up` over a temp
// services dir holding every variant; all of them stopped and awaited by stopAll().
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repo root: APP_ROOT of every copied service. */
export const REPO = fileURLToPath(new URL('..', import.meta.url));
const SVRUN = join(REPO, 'dist/bin/svrun.js');

/** A loopback port nobody listens on right now. */
export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer().once('error', rej).listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

/** Resolves once something accepts on port, polling every 20 ms up to ms. */
export async function waitListening(port, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((res) => { const c = connect(port, '127.0.0.1').once('connect', () => { c.destroy(); res(true); }).once('error', () => res(false)); });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Spawned processes, stopped in reverse order by stopAll. */
const children = [];

/** Spawns a process, remembered for stopAll. */
function track(child, name) {
  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
  children.push({ child, name, exited });
  return { child, exited };
}

/** TERM each process (KILL after 10 s) and await its exit; safe to call twice. */
export async function stopAll() {
  while (children.length) {
    const { child, exited } = children.pop();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
  }
}

/** A memcached on a free loopback port; resolves once it accepts connections. */
export async function startMemcached() {
  const port = await freePort();
  // memcached refuses to run as root unless told which user to be
  const user = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  const { child, exited } = track(spawn('memcached', ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '64', ...user], { stdio: ['ignore', 'ignore', 'pipe'] }), `memcached:${port}`);
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const died = new Promise((_res, rej) => {
    child.once('error', rej);
    void exited.then(({ code }) => rej(new Error(`memcached on :${port} exited ${code}: ${err.trim()}`)));
  });
  await Promise.race([waitListening(port), died]);
  died.catch(() => undefined);
  return port;
}

/** Sends one text-protocol command to a memcached and resolves its first reply line. */
export function memcachedCommand(port, line) {
  return new Promise((res, rej) => {
    const c = connect(port, '127.0.0.1', () => c.write(`${line}\r\n`));
    let buf = '';
    c.on('data', (d) => { buf += d; if (buf.includes('\r\n')) { c.destroy(); res(buf.split('\r\n')[0]); } });
    c.once('error', rej);
  });
}

/**
 * Writes a services dir: one copy of services/web or services/worker per entry of `services`
 * ({ name, svc: 'web'|'worker', env: {...} }), each with its own env/ overrides; `{root}` in a value
 * becomes the temp dir holding the services dir.
 */
export function writeServices(services, commonEnv) {
  const root = mkdtempSync(join(tmpdir(), 'svrun-bench-app-'));
  const dir = join(root, 'services');
  mkdirSync(dir);
  for (const s of services) {
    const dst = join(dir, s.name);
    mkdirSync(join(dst, 'env'), { recursive: true });
    cpSync(join(REPO, 'services', s.svc, 'run'), join(dst, 'run'));
    cpSync(join(REPO, 'services', s.svc, 'env'), join(dst, 'env'), { recursive: true });
    for (const [k, v] of Object.entries(s.env)) writeFileSync(join(dst, 'env', k), `${String(v).replaceAll('{root}', root)}\n`);
  }
  writeFileSync(join(dir, '.env'), Object.entries({ APP_ROOT: REPO, DATA_DIR: join(root, 'var'), ...commonEnv }).map(([k, v]) => `${k}=${v}\n`).join(''));
  return { root, dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** `svrun up --console dir`, with a line listener per service line ({ service, json }). */
export function startSvrun(dir) {
  const { child, exited } = track(spawn(process.execPath, [SVRUN, 'up', '--console', dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } }), 'svrun up');
  const listeners = new Set();
  let tail = '';
  let log = '';
  const onData = (d) => {
    const text = tail + d;
    const lines = text.split('\n');
    tail = lines.pop();
    for (const line of lines) {
      log = (log + line + '\n').slice(-20_000);
      // `[time ]service | line`: the service name is the word before the bar
      const m = /^(?:.* )?(\S+)\s+\| (\{.*\})$/.exec(line);
      if (!m) continue;
      let json;
      try { json = JSON.parse(m[2]); } catch { continue; }
      for (const l of listeners) l(m[1], json);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', (d) => { log = (log + d).slice(-20_000); });
  return {
    exited,
    output: () => log,
    /** Calls fn(service, json) for every service line until svrun exits. */
    onLine(fn) { listeners.add(fn); },
    /** Resolves the first service line (from now on) for which test(service, json) holds. */
    waitLine(test, what, ms = 30_000) {
      return new Promise((res, rej) => {
        const t = setTimeout(() => { listeners.delete(l); rej(new Error(`timed out waiting for ${what}\n${log.slice(-4000)}`)); }, ms);
        const l = (service, json) => { if (test(service, json)) { clearTimeout(t); listeners.delete(l); res(json); } };
        listeners.add(l);
        exited.then(() => { if (listeners.delete(l)) { clearTimeout(t); rej(new Error(`svrun exited while waiting for ${what}\n${log.slice(-4000)}`)); } });
      });
    },
    /** Sends TERM to one service through `svrun term`; the supervisor restarts it. */
    term(serviceDir) {
      return new Promise((res, rej) => spawn(process.execPath, [SVRUN, 'term', serviceDir], { stdio: 'ignore' }).once('exit', (code) => (code === 0 ? res() : rej(new Error(`svrun term ${serviceDir}: exit ${code}`)))));
    },
  };
}
