// runit's supervise/status record (20 bytes) and supervise/stat line, as pure codecs, so
// that Debian's `sv` can read what svrun writes and svrun can read what runsv writes.
import { SvrunError } from '../errors.js';

/** One supervise/status record: what runsv knows about its service. */
export interface StatusRecord {
  /** When run last started, or the service last went down. */
  stamp: { sec: number /* unix seconds */; nsec: number };
  /** Pid of run (or of finish while it runs); 0 when nothing runs. */
  pid: number;
  paused: boolean;
  /** 'd' means want down or want exit (runsv writes both as 'd'). */
  want: 'u' | 'd';
  /** TERM was sent and the process has not exited since. */
  term: boolean;
  state: 'down' | 'run' | 'finish';
}

// TAI64 label of unix time t is 2^62 + 10 + t (runit's leap-second-free offset).
const TAI64_BASE = 2n ** 62n + 10n;
const STATES = ['down', 'run', 'finish'] as const;

/** The 20-byte runit status record: TAI64 BE, nsec BE, pid LE, paused, want, term, state. */
export function encodeStatus(r: StatusRecord): Buffer {
  const b = Buffer.alloc(20);
  b.writeBigUInt64BE(TAI64_BASE + BigInt(Math.floor(r.stamp.sec)), 0);
  b.writeUInt32BE(r.stamp.nsec >>> 0, 8);
  b.writeUInt32LE(r.pid >>> 0, 12);
  b[16] = r.paused ? 1 : 0;
  b[17] = r.want.charCodeAt(0);
  b[18] = r.term ? 1 : 0;
  b[19] = STATES.indexOf(r.state);
  return b;
}

/** Decodes runit's 20-byte record, or daemontools' 18-byte one (no term/state bytes). */
export function decodeStatus(buf: Buffer): StatusRecord {
  if (buf.length !== 20 && buf.length !== 18) {
    throw new SvrunError('SYSTEM', `unable to read supervise/status: bad format (${buf.length} bytes, expected 20)`);
  }
  const pid = buf.readUInt32LE(12);
  const daemontools = buf.length === 18;
  const stateByte = daemontools ? (pid ? 1 : 0) : buf[19]!;
  return {
    stamp: { sec: Number(buf.readBigUInt64BE(0) - TAI64_BASE), nsec: buf.readUInt32BE(8) },
    pid,
    paused: buf[16] !== 0,
    want: buf[17] === 0x75 ? 'u' : 'd',
    term: daemontools ? false : buf[18] !== 0,
    state: STATES[stateByte] ?? 'down',
  };
}

/** The supervise/stat line, as runsv writes it (`run, got TERM, want down\n`). */
export function formatStat(r: StatusRecord, wantExit: boolean): string {
  let s: string = r.state;
  if (r.paused) s += ', paused';
  if (r.term) s += ', got TERM';
  if (r.state !== 'down') {
    if (wantExit) s += ', want exit';
    else if (r.want === 'd') s += ', want down';
  }
  return `${s}\n`;
}
