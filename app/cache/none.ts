// A cache that keeps nothing (Django's DummyCache): CACHE_URL=none:// serves every page uncached.
import type { Cache } from './cache.js';

/** Every get misses; set stores nothing. */
export class NoCache implements Cache {
  readonly kind = 'none';

  async get(): Promise<string | undefined> {
    return undefined;
  }

  async set(): Promise<void> {}

  async close(): Promise<void> {}
}
