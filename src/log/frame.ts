// Turns the input byte stream into log records: one per line, with timestamp, prefix,
// `-r`/`-R` replacement and pattern selection applied as svlogd does.
import type { Rule } from './config.js';
import { pmatch } from './pmatch.js';
import { formatStamp, type Instant, type StampStyle } from './stamp.js';

/** How lines become records; fixed between reopens. */
export interface FrameOptions {
  stamp: StampStyle;
  prefix: Buffer;
  rules: Rule[];
  /** `-r c` / `-R xyz`: non-printables (and chars) becomes `with`; null = off. */
  replace: { with: number; chars: Uint8Array } | null;
  /** `-l`: only this many bytes of a line are matched, replaced and echoed. */
  lineMax: number;
  /** `-b`: a line without newline longer than this is written in pieces. */
  bufLen: number;
}

/** Framing state carried between chunks: the partial last line. */
export interface FrameState {
  opts: FrameOptions;
  carry: Buffer[];
  carryLen: number;
  carryStamp: Buffer;
  /** Set while the rest of a long line streams through: was its head selected? */
  cont: { log: boolean } | null;
}

/** What a chunk produced: bytes for the log and bytes for stderr (`e` rules). */
export interface Framed {
  out: Buffer | null;
  echo: Buffer | null;
}

const EMPTY = Buffer.alloc(0);
const NL = Buffer.from('\n');
const DOTS = Buffer.from('...');

/** A fresh state for opts. */
export function frameState(opts: FrameOptions): FrameState {
  return { opts, carry: [], carryLen: 0, carryStamp: EMPTY, cont: null };
}

// Nothing to do per line: the complete lines of a chunk pass through untouched.
function transparent(o: FrameOptions): boolean {
  return o.stamp === 0 && o.prefix.length === 0 && o.rules.length === 0 && o.replace === null;
}

/** Frames chunk; the stamp is taken once per chunk (svlogd: once per line, µs apart). */
export function frame(st: FrameState, chunk: Buffer, clock: () => Instant): Framed {
  const parts: Buffer[] = [];
  const echo: Buffer[] = [];
  let stamp: Buffer | null = null;
  const getStamp = () => (stamp ??= Buffer.from(formatStamp(st.opts.stamp, clock()), 'latin1'));
  let pos = 0;
  if (st.cont || st.carryLen) {
    const nl = chunk.indexOf(10);
    if (nl < 0) {
      absorb(st, chunk, getStamp, parts, echo);
      return result(parts, echo);
    }
    if (st.cont) {
      if (st.cont.log) parts.push(chunk.subarray(0, nl + 1));
      st.cont = null;
    } else {
      const line = Buffer.concat([...st.carry, chunk.subarray(0, nl)]);
      st.carry = [];
      st.carryLen = 0;
      emitLine(st.opts, line, st.carryStamp, parts, echo, true);
    }
    pos = nl + 1;
  }
  if (transparent(st.opts)) {
    // Written at once, a partial last line included: a logger killed now leaves no line
    // half-read, and the next one continues it byte-exactly.
    if (pos < chunk.length) parts.push(pos === 0 ? chunk : chunk.subarray(pos));
    if (chunk[chunk.length - 1] !== 10) st.cont = { log: true };
    return result(parts, echo);
  }
  const last = chunk.lastIndexOf(10);
  if (last >= pos) {
    if (st.opts.rules.length === 0 && st.opts.replace === null) {
      parts.push(headLines(chunk, pos, last, Buffer.concat([getStamp(), st.opts.prefix])));
    } else {
      const s = getStamp();
      while (pos <= last) {
        const nl = chunk.indexOf(10, pos);
        emitLine(st.opts, chunk.subarray(pos, nl), s, parts, echo, true);
        pos = nl + 1;
      }
    }
    pos = last + 1;
  }
  if (pos < chunk.length) absorb(st, chunk.subarray(pos), getStamp, parts, echo);
  return result(parts, echo);
}

// The lines chunk[pos..last] (last is a newline), each behind head, in one buffer: the
// per-line work is two copies.
function headLines(chunk: Buffer, pos: number, last: number, head: Buffer): Buffer {
  let n = 0;
  for (let i = chunk.indexOf(10, pos); i !== -1 && i <= last; i = chunk.indexOf(10, i + 1)) n++;
  const out = Buffer.allocUnsafe(last + 1 - pos + n * head.length);
  let o = 0;
  while (pos <= last) {
    const nl = chunk.indexOf(10, pos);
    o += head.copy(out, o);
    o += chunk.copy(out, o, pos, nl + 1);
    pos = nl + 1;
  }
  return out;
}

/** Ends the stream: a final line without newline is kept and terminated (svlogd drops it). */
export function frameEnd(st: FrameState): Framed {
  const parts: Buffer[] = [];
  const echo: Buffer[] = [];
  if (st.cont) {
    if (st.cont.log) parts.push(NL);
    st.cont = null;
  } else if (st.carryLen) {
    emitLine(st.opts, Buffer.concat(st.carry), st.carryStamp, parts, echo, true);
    st.carry = [];
    st.carryLen = 0;
  }
  return result(parts, echo);
}

function result(parts: Buffer[], echo: Buffer[]): Framed {
  const join = (b: Buffer[]) => (b.length === 0 ? null : b.length === 1 ? b[0]! : Buffer.concat(b));
  return { out: join(parts), echo: join(echo) };
}

// Keeps a partial line; past bufLen the line is decided on its head and streamed.
function absorb(st: FrameState, piece: Buffer, getStamp: () => Buffer, parts: Buffer[], echo: Buffer[]): void {
  if (st.cont) {
    if (st.cont.log) parts.push(piece);
    return;
  }
  if (!st.carryLen) st.carryStamp = getStamp();
  st.carry.push(piece);
  st.carryLen += piece.length;
  if (st.carryLen >= st.opts.bufLen) {
    const line = Buffer.concat(st.carry);
    st.carry = [];
    st.carryLen = 0;
    st.cont = { log: emitLine(st.opts, line, st.carryStamp, parts, echo, false) };
  }
}

// One line (without its newline) to records; returns whether it went to the log.
function emitLine(o: FrameOptions, line: Buffer, stamp: Buffer, parts: Buffer[], echo: Buffer[], terminated: boolean): boolean {
  const long = line.length >= o.lineMax;
  let head = long ? line.subarray(0, o.lineMax) : line;
  const tail = long ? line.subarray(o.lineMax) : EMPTY;
  if (o.replace) head = replaceBytes(head, o.replace);
  let log = true;
  let err = false;
  for (const r of o.rules) {
    if (!pmatch(r.pattern, head)) continue;
    if (r.kind === '+' || r.kind === '-') log = r.kind === '+';
    else err = r.kind === 'e';
  }
  if (err) echo.push(stamp, o.prefix, head, long ? DOTS : EMPTY, NL);
  if (log) parts.push(stamp, o.prefix, head, tail, terminated ? NL : EMPTY);
  return log;
}

/** svlogd -r/-R: bytes outside 32..126, and those in chars, become with. */
export function replaceBytes(b: Buffer, r: { with: number; chars: Uint8Array }): Buffer {
  let copy: Buffer | null = null;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 32 || c > 126 || r.chars.includes(c)) {
      copy ??= Buffer.from(b);
      copy[i] = r.with;
    }
  }
  return copy ?? b;
}
