// Per-process LRU cache with TTL and a bound on entries and bytes (Django's locmem).
import type { Cache } from './cache.js';

interface Entry { value: string; expires: number }

/** Options: maxEntries and maxBytes (string lengths) bound the cache; now is injectable for tests. */
export interface LocmemOptions { maxEntries?: number; maxBytes?: number; now?: () => number }

/** An in-process LRU; a Map keeps insertion order, so re-inserting on get makes it recency order. */
export class LocmemCache implements Cache {
  readonly kind = 'locmem';
  private readonly map = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(opts: LocmemOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 1000;
    this.maxBytes = opts.maxBytes ?? 32 * 1024 * 1024;
    this.now = opts.now ?? Date.now;
  }

  async get(key: string): Promise<string | undefined> {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.drop(key);
    if (e.expires <= this.now()) return undefined;
    this.map.set(key, e);
    this.bytes += key.length + e.value.length;
    return e.value;
  }

  async set(key: string, value: string, ttlSec: number): Promise<void> {
    this.drop(key);
    if (key.length + value.length > this.maxBytes) return;
    this.map.set(key, { value, expires: this.now() + ttlSec * 1000 });
    this.bytes += key.length + value.length;
    for (const oldest of this.map.keys()) {
      if (this.map.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.drop(oldest);
    }
  }

  async close(): Promise<void> {
    this.map.clear();
    this.bytes = 0;
  }

  private drop(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.bytes -= key.length + e.value.length;
  }
}
