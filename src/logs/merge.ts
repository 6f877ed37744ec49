// Lines of several services in time order, filtered and printed: `name | text` behind the time,
// or JSON lines.
import { paint } from '../cli/color.js';
import type { LogRecord } from './parse.js';

/** Merges per-service lists (each in file order) by time; ties and untimed lines keep their order. */
export function mergeByTime(lists: LogRecord[][]): LogRecord[] {
  const all = lists.flatMap((l, src) => l.map((r, i) => ({ r, src, i })));
  all.sort((a, b) => (a.r.time ?? 0) - (b.r.time ?? 0) || a.src - b.src || a.i - b.i);
  return all.map((x) => x.r);
}

/** How records are printed. */
export interface PrintOptions {
  json: boolean;
  color: boolean;
  /** Width the service names are padded to. */
  width: number;
}

const COLORS = ['green', 'magenta', 'blue', 'greenBright', 'magentaBright', 'blueBright'] as const;

/** A formatter: one output line (with newline) per record. */
export function formatter(services: string[], o: PrintOptions): (r: LogRecord) => string {
  const colorOf = new Map(services.map((s, i) => [s, COLORS[i % COLORS.length]!]));
  return (r) => {
    const time = r.time === null ? null : new Date(r.time).toISOString();
    if (o.json) return `${JSON.stringify({ time, service: r.service, stream: r.stream, line: r.text })}\n`;
    let t = time ? time.slice(0, 23).replace('T', ' ') : ' '.repeat(23);
    let name = `${r.service.padEnd(o.width)} |`;
    let text = r.text;
    if (o.color) {
      t = paint('dim', t);
      name = paint(colorOf.get(r.service) ?? 'green', name);
      if (r.stream === 'stderr') text = paint('dim', text);
    }
    return `${t} ${name} ${text}\n`;
  };
}

/** `--since`: an ISO-like date/time (local unless it says Z or an offset), or a span back from now (90s, 10m, 2h, 1d). */
export function parseSince(s: string, now = Date.now()): number | null {
  const span = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(s);
  if (span) return now - Number(span[1]) * { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[span[2] as 'ms']!;
  if (!/^\d{4}-\d\d-\d\d([ T_]\d\d:\d\d(:\d\d(\.\d+)?)?)?(Z|[+-]\d\d:?\d\d)?$/.test(s)) return null;
  const t = Date.parse(s.replace('_', 'T').replace(' ', 'T').replace(/^(\d{4}-\d\d-\d\d)$/, '$1T00:00'));
  return Number.isNaN(t) ? null : t;
}
