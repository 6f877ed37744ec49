// Options of a log writer and their defaults (svlogd's where svlogd has one).
import type { Instant, StampStyle } from './stamp.js';

/** How a LogWriter formats, buffers and reports. */
export interface LogWriterOptions {
  /** 0 none, 1 `-t`, 2 `-tt`, 3 `-ttt`. */
  stamp?: StampStyle;
  /** `-r c` / `-R xyz` replacement, or null. */
  replace?: { with: number; chars: Uint8Array } | null;
  /** `-l`: bytes of a line that are matched and echoed (svlogd: 1000). */
  lineMax?: number;
  /** `-b`: a line without newline is written in pieces past this (svlogd: 1024). */
  bufLen?: number;
  /** write() returns false once this many bytes wait for the disk. */
  highWater?: number;
  /** Most the retry backoff waits between attempts (svlogd pauses 3 s). */
  retryMaxMs?: number;
  /** Receives one-line reports ("warning: unable to …"); default: stderr with "svrun log: ". */
  warn?: (msg: string) => void;
  /** Receives `-v` reports ("info: rename: …"); default: none. */
  info?: (msg: string) => void;
  /** Receives lines selected for stderr by `e` rules; default: stderr. */
  echo?: (bytes: Buffer) => void;
  /** Marks of lanes 1, 2, …: each a second stream of lines (e.g. 'stderr: '), placed after the prefix. */
  marks?: string[];
  /** Take the dir's lock (default true); svrun's capture is guarded by supervise/lock already. */
  lock?: boolean;
  /** Wall clock, for stamps and file names. */
  clock?: () => Instant;
}

/** The base of the hard cap: write() asks to stop as soon as the disk refuses a byte. */
export const DEFAULT_HIGH_WATER = 256 * 1024;

/** write() drops data past this multiple of highWater: callers that ignore false still cannot grow memory. */
export const HARD_CAP_FACTOR = 16;

/** svlogd pauses 3 s between attempts to write to a full disk. */
export const DEFAULT_RETRY_MAX_MS = 3000;

/** First retry delay; doubled up to retryMaxMs. */
export const RETRY_FIRST_MS = 50;
