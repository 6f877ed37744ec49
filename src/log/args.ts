// `svrun log` options as svlogd takes them, checked: bad values are usage errors (exit 100;
// svlogd exits 111 for usage).
import { SvrunError } from '../errors.js';
import type { LogWriterOptions } from './options.js';
import type { StampStyle } from './stamp.js';

/** Options as commander hands them over. */
export interface RawLogArgs {
  timestamp?: number;
  verbose?: number;
  replaceChar?: string;
  replaceSet?: string;
  lineMax?: string;
  bufLen?: string;
}

/** Checks raw options and turns them into writer options. */
export function parseLogArgs(raw: RawLogArgs): LogWriterOptions & { verbose: boolean } {
  const stamp = Math.min(raw.timestamp ?? 0, 3) as StampStyle;
  if (raw.replaceChar !== undefined && Buffer.byteLength(raw.replaceChar) !== 1) {
    throw new SvrunError('USAGE', `-r wants exactly one character, got "${raw.replaceChar}"`);
  }
  const withChar = raw.replaceChar ?? (raw.replaceSet !== undefined ? '_' : undefined);
  const replace = withChar === undefined ? null
    : { with: withChar.charCodeAt(0), chars: Buffer.from(raw.replaceSet ?? '', 'latin1') };
  // svlogd: 0 means the default
  const lineMax = count('-l', raw.lineMax) || 1000;
  const bufLen = count('-b', raw.bufLen) || 1024;
  if (bufLen <= lineMax) throw new SvrunError('USAGE', `-b ${bufLen} must be greater than -l ${lineMax}`);
  return { stamp, replace, lineMax, bufLen, verbose: (raw.verbose ?? 0) > 0 };
}

function count(flag: string, s: string | undefined): number {
  if (s === undefined) return 0;
  if (!/^\d+$/.test(s)) throw new SvrunError('USAGE', `${flag} wants a number of bytes, got "${s}"`);
  return Number(s);
}
