// The files of a log dir in order: rotated ones (`@…` names sort by time; `.s` and `.u`),
// then current.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOldName } from '../log/oldfiles.js';
import { parseLines, type LogRecord } from './parse.js';

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

/** Every complete line of dir's files, oldest first. */
export function readAll(service: string, dir: string): LogRecord[] {
  const out: LogRecord[] = [];
  for (const f of logFiles(dir)) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue; // rotated away or removed since the listing
    }
    // a file may end mid-line (size rotation splits lines); the next file holds the rest
    const recs = parseLines(service, text.endsWith('\n') ? text : `${text}\n`, out.at(-1)?.time ?? null);
    for (const r of recs) out.push(r);
  }
  return out;
}
