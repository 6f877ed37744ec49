// CACHE_URL → a Cache: locmem:// (default), memcached://h1:port,h2:port, or none:// (no caching).
import type { Logger } from 'pino';
import { maskUrl } from '../config.js';
import type { Cache } from './cache.js';
import { LocmemCache } from './locmem.js';
import { MemcachedCache } from './memcached.js';
import { NoCache } from './none.js';

/** Opens the cache a URL names; an unknown scheme throws naming CACHE_URL. */
export function openCache(url: string, log: Logger): Cache {
  if (url.startsWith('locmem:')) {
    const max = Number(new URL(url.replace(/^locmem:(\/\/)?/, 'locmem://x')).searchParams.get('max') ?? '') || undefined;
    return new LocmemCache({ maxEntries: max });
  }
  if (url.startsWith('memcached://')) return new MemcachedCache(url, log);
  if (url.startsWith('none:')) return new NoCache();
  throw new Error(`CACHE_URL: unknown scheme in ${JSON.stringify(maskUrl(url))} (want locmem://, memcached://host:port,... or none://)`);
}
