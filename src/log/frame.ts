// Turns the input byte stream into log records: one per line, with timestamp, prefix,
// `-r`/`-R` replacement and pattern selection applied as svlogd does.
import type { Rule } from './config.js';
import { headLinesWasm } from './headlines.js';
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

/**
 * What a chunk produced: bytes for the log, in pieces (the writer hands them to writev as they
 * are: joining them would copy every byte once more), and bytes for stderr (`e` rules).
 */
export interface Framed {
  out: Buffer[];
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
export function frame(st: FrameState, chunk: Buffer, clock: () => Instant, alloc: (n: number) => Buffer = Buffer.allocUnsafe): Framed {
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
      parts.push(headLines(chunk, pos, last, Buffer.concat([getStamp(), st.opts.prefix]), alloc));
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

// The line ends of the chunk being framed: one array reused, grown as needed (a fresh array
// per chunk, grown element by element, was most of a flood's garbage).
let ends = new Int32Array(1024);

// The lines chunk[pos..last] (last is a newline), each behind head, in one buffer from alloc,
// after room bytes left for the caller. The lines are copied in one piece to the end of out,
// then each is moved left to its place after its head: per line two native calls and no
// allocation (Buffer#copy or a subarray per line cost more than the bytes on Node 20).
function headLines(chunk: Buffer, pos: number, last: number, head: Buffer, alloc: (n: number) => Buffer, room = 0): Buffer {
  let count = 0;
  for (let i = chunk.indexOf(10, pos); i !== -1 && i <= last; i = chunk.indexOf(10, i + 1)) {
    if (count === ends.length) {
      const more = new Int32Array(2 * count);
      more.set(ends);
      ends = more;
    }
    ends[count++] = i;
  }
  const body = last + 1 - pos;
  const out = alloc(room + body + count * head.length);
  const shift = out.length - body - pos; // byte k of chunk sits at k + shift of out
  if (body > 0) out.set(chunk.subarray(pos, last + 1), out.length - body);
  let o = room;
  for (let k = 0; k < count; k++) {
    const nl = ends[k]!;
    out.set(head, o);
    o += head.length;
    // never overwrites a line not yet moved: each moves left by the heads still to come
    out.copyWithin(o, pos + shift, nl + 1 + shift);
    o += nl + 1 - pos;
    pos = nl + 1;
  }
  return out;
}

/**
 * frame()'s usual case in one buffer, for a lane without rules or replacement: the carried
 * partial line completed behind its own stamp, then every line of chunk behind head (stamp
 * and prefix); the unterminated tail is kept, copied, so the caller may reuse chunk. Returns
 * null, having changed nothing, where frame() must take chunk: a long line streaming, no
 * newline in chunk, or a tail of bufLen bytes or more. The buffer is alloc's, or a view that
 * the next call overwrites (headLinesWasm): a caller keeping it past that copies it.
 */
export function frameLines(st: FrameState, chunk: Buffer, head: Buffer, alloc: (n: number) => Buffer): Buffer | null {
  const first = st.cont ? -1 : chunk.indexOf(10);
  if (first < 0) return null;
  const last = chunk.lastIndexOf(10);
  const tail = chunk.length - last - 1;
  if (tail >= st.opts.bufLen) return null;
  const prefix = st.opts.prefix;
  let out: Buffer;
  if (st.carryLen > 0) {
    const stamp = st.carryStamp;
    const room = stamp.length + prefix.length + st.carryLen + first + 1;
    out = headLinesWasm(chunk, first + 1, last, head, room) ?? headLines(chunk, first + 1, last, head, alloc, room);
    out.set(stamp, 0);
    out.set(prefix, stamp.length);
    let o = stamp.length + prefix.length;
    for (let i = 0; i < st.carry.length; i++) {
      const b = st.carry[i]!;
      out.set(b, o);
      o += b.length;
    }
    out.set(chunk.subarray(0, first + 1), o);
    st.carry = [];
    st.carryLen = 0;
  } else {
    out = headLinesWasm(chunk, 0, last, head, 0) ?? headLines(chunk, 0, last, head, alloc);
  }
  if (tail > 0) keepTail(st, chunk.subarray(last + 1), head.subarray(0, head.length - prefix.length));
  return out;
}

// The partial last line and its stamp, copied (Buffer.from is a large function for V8 to
// compile into a flood's path; a copy into fresh bytes is two calls).
function keepTail(st: FrameState, tail: Buffer, stamp: Buffer): void {
  const kept = Buffer.allocUnsafeSlow(tail.length + stamp.length);
  kept.set(stamp, 0);
  kept.set(tail, stamp.length);
  st.carryStamp = kept.subarray(0, stamp.length);
  st.carry = [kept.subarray(stamp.length)];
  st.carryLen = tail.length;
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
  return { out: parts, echo: echo.length === 0 ? null : echo.length === 1 ? echo[0]! : Buffer.concat(echo) };
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
