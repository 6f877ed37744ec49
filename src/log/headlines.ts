// frameLines' inner loop in WebAssembly (headlines.wat): every line of a chunk behind the same
// head. Compiled to machine code when it is loaded, it frames a flood at full speed from the
// first chunk; JS's loop ran interpreted for about 50 chunks, then took 36 µs per 64 KiB chunk
// against 12 here. Where WebAssembly is missing (node --jitless), frame.ts's JS loop does it.
import { HEADLINES_WASM } from './headlines-wasm.js';

// The memory layout headlines.wat describes.
const HEAD_MAX = 64;
const IN = 64;
const IN_MAX = 65536;
const OUT = IN + IN_MAX + 64;
/** The most bytes a caller may ask to have before the lines (a carried partial line). */
export const ROOM_MAX = 4096;

interface HeadLines {
  mem: Buffer;
  lines: (pos: number, end: number, hlen: number, out: number) => number;
}

let loaded: HeadLines | null | undefined;

function load(): HeadLines | null {
  if (loaded !== undefined) return loaded;
  try {
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(HEADLINES_WASM, 'base64')));
    const memory = exports.memory as WebAssembly.Memory;
    loaded = { mem: Buffer.from(memory.buffer), lines: exports.lines as HeadLines['lines'] };
  } catch {
    loaded = null; // no WebAssembly (--jitless), or no SIMD on this CPU
  }
  return loaded;
}

/**
 * A buffer to read input into: framing reads it where it lies, without a copy. The same bytes
 * for every caller: what keeps them past the next read copies them, as with any shared buffer.
 * Null without WebAssembly.
 */
export function inputBuffer(): Buffer | null {
  const w = load();
  return w ? w.mem.subarray(IN, IN + IN_MAX) : null;
}

/**
 * The lines chunk[pos..last] (last is a newline), each behind head, after room bytes left for
 * the caller. The result is a view of the module's memory: the next call overwrites it, so a
 * caller that keeps it longer copies it. Null where the JS loop must do it: no WebAssembly, a
 * head over 64 bytes, more than 64 KiB of lines, or room over ROOM_MAX.
 */
export function headLinesWasm(chunk: Buffer, pos: number, last: number, head: Buffer, room: number): Buffer | null {
  const body = last + 1 - pos;
  if (head.length > HEAD_MAX || body > IN_MAX || room > ROOM_MAX) return null;
  const w = load();
  if (!w) return null;
  w.mem.set(head, 0);
  let start = chunk.byteOffset + pos - IN;
  if (chunk.buffer !== w.mem.buffer || start < 0 || start + body > IN_MAX) {
    w.mem.set(chunk.subarray(pos, last + 1), IN);
    start = 0;
  }
  return w.mem.subarray(OUT, w.lines(start, start + body, head.length, OUT + room));
}
