// svlogd's line timestamps (-t, -tt, -ttt), all UTC, each 25 chars plus one space.

/** Timestamp style: 0 none, 1 TAI64N, 2 `YYYY-MM-DD_HH:MM:SS.xxxxx`, 3 the same with `T`. */
export type StampStyle = 0 | 1 | 2 | 3;

/** A wall-clock instant: seconds since the Unix epoch and nanoseconds. */
export interface Instant {
  sec: number;
  nsec: number;
}

/** The current wall-clock time, to the microsecond. */
export function now(): Instant {
  // timeOrigin is read at process start apart from the monotonic clock, and the wall clock
  // moves against the monotonic one (by a millisecond within seconds on a kvm-clock VM): kept
  // inside the millisecond Date.now() gives, the stamps and rotated-file names of a logger and
  // of the one that replaces it sort in the order they were made, as svlogd's do.
  const wall = Date.now();
  const fine = performance.timeOrigin + performance.now();
  const ms = fine < wall ? wall : fine >= wall + 1 ? wall + 0.999 : fine;
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: Math.floor((ms - sec * 1000) * 1e6) };
}

// libtai: TAI64 label = 2^62 + 10 (TAI-UTC offset djb uses) + Unix seconds.
const TAI_BASE = 0x400000000000000an;

/** `@` + 24 hex digits: the TAI64N label svlogd uses in -t stamps and rotated file names. */
export function tai64n(t: Instant): string {
  const sec = (TAI_BASE + BigInt(t.sec)).toString(16).padStart(16, '0');
  return `@${sec}${t.nsec.toString(16).padStart(8, '0')}`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD<sep>HH:MM:SS.xxxxx` in UTC, 5 fractional digits as svlogd prints. */
export function ptime(t: Instant, sep: '_' | 'T'): string {
  const d = new Date(t.sec * 1000);
  const frac = String(Math.floor(t.nsec / 10_000)).padStart(5, '0');
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}${sep}` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${frac}`;
}

/** The stamp prefix for a line ("" for style 0), trailing space included. */
export function formatStamp(style: StampStyle, t: Instant): string {
  switch (style) {
    case 0: return '';
    case 1: return `${tai64n(t)} `;
    case 2: return `${ptime(t, '_')} `;
    case 3: return `${ptime(t, 'T')} `;
  }
}

/** Bytes in a stamp of style 1, 2 or 3, its trailing space included. */
export const STAMP_LEN = 26;

const HEX = Buffer.from('0123456789abcdef');

/**
 * A stamp of style 1-3 kept as bytes at the start of buf and updated in place: the whole
 * stamp is formatted when the second changes, else only its fraction is written, digit by
 * digit. A flood takes a stamp per read, a thousand a second; formatting each as a string was
 * a third of the framing's cost and most of what V8 compiled for it.
 */
export class StampBytes {
  private sec = NaN;

  constructor(private readonly style: 1 | 2 | 3, readonly buf: Buffer) {}

  /** Writes t's stamp; returns buf. */
  set(t: Instant): Buffer {
    const b = this.buf;
    if (t.sec !== this.sec) {
      b.write(formatStamp(this.style, t), 0, 'latin1');
      this.sec = t.sec;
    } else if (this.style === 1) {
      let n = t.nsec;
      for (let i = 24; i >= 17; i--) {
        b[i] = HEX[n & 15]!;
        n >>>= 4;
      }
    } else {
      let f = Math.floor(t.nsec / 10_000);
      for (let i = 24; i >= 20; i--) {
        const d = f % 10;
        b[i] = 48 + d;
        f = (f - d) / 10;
      }
    }
    return b;
  }
}
