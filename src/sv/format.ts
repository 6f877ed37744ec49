// The `sv status` line, exactly as runit's sv prints it (svstatus_print in sv.c).
import type { StatusRecord } from '../supervise/status.js';

/** What the status of one service dir is printed with. */
export interface StatusPartOptions {
  /** A `down` file exists in the service dir. */
  normallyDown: boolean;
  /** Current time, unix seconds. */
  now: number;
}

/** `run: NAME: (pid N) Ss, normally down, paused, want down, got TERM` (no newline). */
export function formatStatusPart(name: string, rec: StatusRecord, opts: StatusPartOptions): string {
  const { pid } = rec;
  // sv subtracts whole seconds and clamps a stamp in the future to 0
  const secs = Math.max(0, Math.floor(opts.now) - rec.stamp.sec);
  let s = `${rec.state}: ${name}: `;
  if (rec.state !== 'down') s += `(pid ${pid}) `;
  s += `${secs}s`;
  if (pid && opts.normallyDown) s += ', normally down';
  if (!pid && !opts.normallyDown) s += ', normally up';
  if (pid && rec.paused) s += ', paused';
  if (!pid && rec.want === 'u') s += ', want up';
  if (pid && rec.want === 'd') s += ', want down';
  if (pid && rec.term) s += ', got TERM';
  return s;
}

/** Options of a whole status line: the main part's, plus the log service's and svrun's extension. */
export interface StatusLineOptions extends StatusPartOptions {
  log?: { rec: StatusRecord; normallyDown: boolean };
  /**
   * svrun extension, absent from runit: the reason svrun gave up on the service
   * (supervise/svrun.json `failed: true`), printed as `, failed: REASON` after the main part.
   */
  failed?: string;
}

/** The full `sv status` line for a service, with `; ` + the log part when it has log/. */
export function formatStatusLine(name: string, rec: StatusRecord, opts: StatusLineOptions): string {
  let s = formatStatusPart(name, rec, opts);
  if (opts.failed !== undefined) s += `, failed: ${opts.failed}`;
  if (opts.log) s += `; ${formatStatusPart('log', opts.log.rec, { normallyDown: opts.log.normallyDown, now: opts.now })}`;
  return `${s}\n`;
}
