// Shared cache on memcached servers with consistent hashing (the memcached package's hashring).
import Memcached from 'memcached';
import type { Logger } from 'pino';
import type { Cache } from './cache.js';

/** memcached://h1:11211,h2:11211 → ['h1:11211', 'h2:11211']. */
export function memcachedServers(url: string): string[] {
  const hosts = url.replace(/^memcached:\/\//, '').split(/[/?]/)[0] ?? '';
  const list = hosts.split(',').map((h) => h.trim()).filter(Boolean);
  if (list.length === 0) throw new Error(`CACHE_URL: no servers in ${JSON.stringify(url)}`);
  return list;
}

/** A memcached-backed cache; errors become misses, logged once per outage. */
export class MemcachedCache implements Cache {
  readonly kind = 'memcached';
  private readonly client: Memcached;
  private down = false;

  constructor(url: string, private readonly log: Logger) {
    // short timeouts: a dead server must cost a page little; retry it after 1 s, never drop it.
    // `retries` is per socket allocation: 0 would fail requests whenever the pool is busy.
    // (minTimeout/maxTimeout are real options of 2.2.2 that @types/memcached lacks)
    const opts: Memcached.options & { minTimeout: number; maxTimeout: number } = {
      timeout: 200, poolSize: 25, retries: 2, minTimeout: 10, maxTimeout: 50, retry: 1000, failures: 1_000_000, remove: false, idle: 5000,
    };
    this.client = new Memcached(memcachedServers(url), opts);
    this.client.on('failure', (d) => this.outage(`${d.server}`));
    this.client.on('reconnecting', (d) => this.outage(`${d.server}`));
  }

  get(key: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.client.get(key, (err, data) => {
        if (err) { this.outage(String(err.message ?? err)); resolve(undefined); return; }
        this.recovered();
        resolve(typeof data === 'string' ? data : undefined);
      });
    });
  }

  set(key: string, value: string, ttlSec: number): Promise<void> {
    return new Promise((resolve) => {
      this.client.set(key, value, ttlSec, (err) => {
        if (err) this.outage(String(err.message ?? err)); else this.recovered();
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.client.end();
  }

  private outage(why: string): void {
    if (this.down) return;
    this.down = true;
    this.log.warn({ backend: 'memcached' }, `cache unavailable, serving uncached: ${why}`);
  }

  private recovered(): void {
    if (!this.down) return;
    this.down = false;
    this.log.info({ backend: 'memcached' }, 'cache available again');
  }
}
