// Tier 1: the per-process cache and the URL helpers, as values; no processes.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LocmemCache } from '../../app/cache/locmem.js';
import { memcachedServers } from '../../app/cache/memcached.js';
import { openCache } from '../../app/cache/open.js';
import { maskUrl, sqlitePath } from '../../app/config.js';
import { openBroker } from '../../app/queue/open.js';

describe('locmem cache', () => {
  it('expires an entry after its TTL', async () => {
    let now = 1000;
    const c = new LocmemCache({ now: () => now });
    await c.set('k', 'v', 10);
    now += 9999;
    expect(await c.get('k')).toBe('v');
    now += 1;
    expect(await c.get('k')).toBeUndefined();
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const c = new LocmemCache({ maxEntries: 2 });
    await c.set('a', '1', 60);
    await c.set('b', '2', 60);
    await c.get('a'); // a is now the most recent
    await c.set('c', '3', 60);
    expect([await c.get('a'), await c.get('b'), await c.get('c')]).toEqual(['1', undefined, '3']);
  });

  it('keeps keys and values within maxBytes, refusing a value larger than the bound', async () => {
    const c = new LocmemCache({ maxBytes: 10 });
    await c.set('a', '1234', 60); // 5
    await c.set('b', '1234', 60); // 10
    await c.set('c', '1234', 60); // evicts a
    expect(await c.get('a')).toBeUndefined();
    expect(await c.get('c')).toBe('1234');
    await c.set('huge', 'x'.repeat(20), 60);
    expect(await c.get('huge')).toBeUndefined();
    expect(await c.get('c')).toBe('1234');
  });
});

describe('backend URLs', () => {
  it('masks the password of a URL and leaves others alone', () => {
    expect(maskUrl('amqp://guest:s3cret@127.0.0.1:5672/v?queue=q')).toBe('amqp://guest:***@127.0.0.1:5672/v?queue=q');
    expect(maskUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
    expect(maskUrl('locmem://')).toBe('locmem://');
  });

  it('lists memcached servers and resolves sqlite paths against DATA_DIR', () => {
    expect(memcachedServers('memcached://h1:11211, h2:11212')).toEqual(['h1:11211', 'h2:11212']);
    expect(() => memcachedServers('memcached://')).toThrow(/CACHE_URL: no servers/);
    expect(sqlitePath('sqlite://', '/d', 'app.db')).toBe('/d/app.db');
    expect(sqlitePath('sqlite:///abs/q.db', '/d', 'app.db')).toBe('/abs/q.db');
  });

  it('serves every page uncached with CACHE_URL=none://', async () => {
    const c = openCache('none://', pino({ level: 'silent' }));
    await c.set('k', 'v', 60);
    expect([c.kind, await c.get('k')]).toEqual(['none', undefined]);
  });

  it('refuses a persistent= in BROKER_URL other than 0 or 1, naming the setting', () => {
    expect(() => openBroker('amqp://127.0.0.1:1/?persistent=maybe', '/nonexistent', pino({ level: 'silent' }))).toThrow(/BROKER_URL: persistent: want 0 or 1, got "maybe"/);
  });
});
