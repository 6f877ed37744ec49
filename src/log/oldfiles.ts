// Rotated files: `@` + TAI64N label + `.s` (done), `.u` (unprocessed) or `.t` (processor
// output in progress). Names sort in time order.
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tai64n, type Instant } from './stamp.js';

/** True for a rotated file's name (27 chars, `@…`). */
export function isOldName(name: string): boolean {
  return name.length === 27 && name[0] === '@';
}

/** A name for a rotated file that is newer than last and does not exist in dir yet. */
export function freshName(dir: string, suffix: 's' | 'u', clock: () => Instant, last: string): string {
  let t = clock();
  for (;;) {
    const name = `${tai64n(t)}.${suffix}`;
    // rotations may come faster than the clock ticks: step on by a nanosecond
    if (name.slice(0, 25) > last.slice(0, 25)) {
      try {
        statSync(join(dir, name));
      } catch {
        return name;
      }
    }
    t = t.nsec < 999_999_999 ? { sec: t.sec, nsec: t.nsec + 1 } : { sec: t.sec + 1, nsec: 0 };
  }
}

/**
 * svlogd's rmoldest: removes processor leftovers (`.t`) and, when more than nMax `.s`/`.u`
 * files exist, the single oldest (never keep, the `.u` still being processed).
 * Returns the name deleted, if any.
 */
export function removeOldest(dir: string, nMax: number, keep = ''): string | null {
  let n = 0;
  let oldest: string | null = null;
  for (const name of readdirSync(dir)) {
    if (!isOldName(name)) continue;
    if (name[26] === 't') {
      try { unlinkSync(join(dir, name)); } catch { /* gone already */ }
      continue;
    }
    n++;
    if (name !== keep && (oldest === null || name < oldest)) oldest = name;
  }
  if (!nMax || n <= nMax || oldest === null) return null;
  unlinkSync(join(dir, oldest));
  return oldest;
}

/** svlogd on ENOSPC: delete the oldest rotated file if more than nMin exist. Returns its name. */
export function removeOldestForSpace(dir: string, nMin: number): string | null {
  const old = readdirSync(dir).filter(isOldName).sort();
  if (old.length <= nMin || old.length === 0) return null;
  unlinkSync(join(dir, old[0]!));
  return old[0]!;
}
