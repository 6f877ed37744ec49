// The bundled stack under a real `svrun up`: temp copies of services/web and services/worker
// that run the repo's built app, with PORT and DATA_DIR chosen per test.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { script, tempDir, type TreeEntry } from '../helpers/fs.js';
import { servicesDir, up, type Up } from '../supervisor/harness.js';

/** The repo root: APP_ROOT for the copies. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A running stack. */
export interface Stack { up: Up; dir: string; dataDir: string; url: string; port: number }

/** Options: env for both services (written to their env/ dirs, highest precedence), which services. */
export interface StackOptions { env?: Record<string, string>; services?: ('web' | 'worker')[]; wait?: boolean }

/** Copies the repo's service dirs (run + env/) into a temp services dir, overriding env. */
export function stackTree(port: number, dataDir: string, opts: StackOptions = {}): Record<string, TreeEntry> {
  const tree: Record<string, TreeEntry> = { '.env': `APP_ROOT=${REPO}\nDATA_DIR=${dataDir}\nREPORT_ROWS=300000\n` };
  for (const svc of opts.services ?? ['web', 'worker']) {
    const src = join(REPO, 'services', svc);
    tree[`${svc}/run`] = script(readFileSync(join(src, 'run'), 'utf8'));
    for (const f of readdirSync(join(src, 'env'))) tree[`${svc}/env/${f}`] = readFileSync(join(src, 'env', f), 'utf8');
    for (const [k, v] of Object.entries(opts.env ?? {})) tree[`${svc}/env/${k}`] = `${v}\n`;
    if (svc === 'web') tree['web/env/PORT'] = `${port}\n`;
  }
  return tree;
}

/** Starts `svrun up` on a fresh copy and waits until web listens and the worker consumes. */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const port = await freePort();
  const dataDir = tempDir('svrun-app-data-');
  const dir = servicesDir(stackTree(port, dataDir, opts));
  // services' output on svrun's stdout (not only in supervise/log/current): the tests wait on it
  const u = up(dir, ['--console']);
  const services = opts.services ?? ['web', 'worker'];
  if (opts.wait !== false) {
    if (services.includes('web')) await u.waitFor(`dashboard: http://127.0.0.1:${port}/`);
    if (services.includes('worker')) await u.waitFor('worker ready');
  }
  return { up: u, dir, dataDir, port, url: `http://127.0.0.1:${port}` };
}

/** JSON request helper: returns status and parsed body. */
export async function api(stack: Stack, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(stack.url + path, body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* HTML or text */ }
  return { status: res.status, body: parsed };
}

/** Polls a task until pred holds on it. */
export async function waitTask(stack: Stack, id: string, pred: (t: any) => boolean, timeoutMs = 15_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const r = await api(stack, `/api/tasks/${id}`);
    last = r.body;
    if (r.status === 200 && pred(r.body)) return r.body;
    if (Date.now() > deadline) throw new Error(`task ${id} never matched; last: ${JSON.stringify(last)}\n${stack.up.output()}`);
    await new Promise((res) => setTimeout(res, 20)); // poll interval, not a timing assumption
  }
}
