// Tier 2: the cache on real memcached servers started per test; an outage serves pages uncached.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { pino } from 'pino';
import { MemcachedCache } from '../../app/cache/memcached.js';
import { start } from '../helpers/proc.js';
import { freePort, startStack } from './stack.js';

const quiet = pino({ level: 'silent' });

async function memcached(): Promise<{ addr: string; stop: () => Promise<unknown> }> {
  const port = await freePort();
  // memcached refuses to run as root unless told which user to become
  const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const m = start('memcached', [...user, '-l', '127.0.0.1', '-p', String(port), '-U', '0', '-vv']);
  await m.waitFor('server listening');
  return { addr: `127.0.0.1:${port}`, stop: () => m.stop() };
}

function cache(url: string): MemcachedCache {
  const c = new MemcachedCache(url, quiet);
  onTestFinished(() => c.close());
  return c;
}

describe('memcached cache', () => {
  it('spreads keys over every server of the URL, each key on one server', async () => {
    const [a, b] = [await memcached(), await memcached()];
    const both = cache(`memcached://${a.addr},${b.addr}`);
    const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
    for (const k of keys) await both.set(k, `v-${k}`, 60);
    const onA = cache(`memcached://${a.addr}`);
    const onB = cache(`memcached://${b.addr}`);
    const found = await Promise.all(keys.map(async (k) => [await onA.get(k), await onB.get(k)]));
    const countA = found.filter(([x]) => x !== undefined).length;
    const countB = found.filter(([, y]) => y !== undefined).length;
    expect(countA + countB).toBe(40);
    expect(countA).toBeGreaterThan(5);
    expect(countB).toBeGreaterThan(5);
    expect(await both.get('key-7')).toBe('v-key-7');
  });

  it('serves the report from memcached, and still serves it (uncached) once memcached is gone', async () => {
    const m = await memcached();
    const s = await startStack({ services: ['web'], env: { CACHE_URL: `memcached://${m.addr}` } });
    expect((await fetch(`${s.url}/report`)).headers.get('x-cache')).toBe('miss');
    const hit = await fetch(`${s.url}/report`);
    expect(hit.headers.get('x-cache')).toBe('hit');
    expect(await hit.text()).toContain('(memcached)');
    await m.stop();
    const down = await fetch(`${s.url}/report`);
    expect(down.status).toBe(200);
    expect(down.headers.get('x-cache')).toBe('miss');
    await s.up.waitFor('cache unavailable, serving uncached');
    expect((await fetch(`${s.url}/`)).status).toBe(200);
  });

  it('switches web from locmem to memcached when a sysadmin edits env/CACHE_URL', async () => {
    const m = await memcached();
    const s = await startStack({ services: ['web'] });
    expect(await (await fetch(`${s.url}/report`)).text()).toContain('(locmem)');
    writeFileSync(join(s.dir, 'web/env/CACHE_URL'), `memcached://${m.addr}\n`);
    await s.up.waitEvent('started', 'web', 2);
    await s.up.waitUntil((o) => o.split(`dashboard: http://127.0.0.1:${s.port}/`).length === 3, 'web listening again');
    const page = await (await fetch(`${s.url}/report`)).text();
    expect(page).toContain('(memcached)');
  });
});
