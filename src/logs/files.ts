// The files of a log dir in order: rotated ones (`@…` names sort by time; `.s` and `.u`),
// then current.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isOldName } from '../log/oldfiles.js';

/** Paths of dir's log files, oldest first; current last (if it exists). */
export function logFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const old = names.filter((n) => isOldName(n) && (n.endsWith('.s') || n.endsWith('.u'))).sort();
  if (names.includes('current')) old.push('current');
  return old.map((n) => join(dir, n));
}
