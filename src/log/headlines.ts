// frameLines' inner loop in WebAssembly (headlines.wat): every line of a chunk behind the same
// head. Compiled to machine code when it is loaded, it frames a flood at full speed from the
// first chunk; JS's loop ran interpreted for about 50 chunks, then took 36 µs per 64 KiB chunk
// against 12 here. It is loaded by the first chunk of LOAD_MIN bytes or more: loaded, it holds
// about 1 MiB of svrun's memory (PSS, 100 services), which services writing a line now and
// then, framed by frame.ts's JS loop, do not need. That loop also serves where WebAssembly is
// missing (node --jitless).
import { HEADLINES_WASM } from './headlines-wasm.js';

// The memory layout headlines.wat describes.
const HEAD_MAX = 64;
const IN = 64;
/** The most bytes of lines per call, and the size of inputBuffer(). */
export const INPUT_MAX = 65536;
const OUT = IN + INPUT_MAX + 64;
/** The most bytes a caller may ask to have before the lines (a carried partial line). */
export const ROOM_MAX = 4096;
/** The fewest bytes of lines that load the module. */
export const LOAD_MIN = 16 * 1024;

interface HeadLines {
  mem: Buffer;
  input: Buffer;
  lines: (pos: number, end: number, hlen: number, out: number) => number;
}

let loaded: HeadLines | null | undefined;

function load(): HeadLines | null {
  if (loaded !== undefined) return loaded;
  try {
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(HEADLINES_WASM, 'base64')));
    const memory = exports.memory as WebAssembly.Memory;
    const mem = Buffer.from(memory.buffer);
    loaded = { mem, input: mem.subarray(IN, IN + INPUT_MAX), lines: exports.lines as HeadLines['lines'] };
  } catch {
    loaded = null; // no WebAssembly (--jitless), or no SIMD on this CPU
  }
  return loaded;
}

/**
 * A buffer of INPUT_MAX bytes to read input into, once the module is loaded (null before, and
 * without WebAssembly): framing reads it where it lies, without a copy. The same bytes for
 * every caller: what keeps them past the next read copies them, as with any shared buffer.
 */
export function inputBuffer(): Buffer | null {
  return loaded ? loaded.input : null;
}

/**
 * The lines chunk[pos..last] (last is a newline), each behind head, after room bytes left for
 * the caller. The result is a view of the module's memory: the next call overwrites it, so a
 * caller that keeps it longer copies it. Null where the JS loop does it: no WebAssembly, a
 * head over 64 bytes, more than 64 KiB of lines, room over ROOM_MAX, or less than LOAD_MIN
 * bytes before a chunk that size has loaded the module.
 */
export function headLinesWasm(chunk: Buffer, pos: number, last: number, head: Buffer, room: number): Buffer | null {
  const body = last + 1 - pos;
  if (head.length > HEAD_MAX || body > INPUT_MAX || room > ROOM_MAX) return null;
  if (loaded === undefined && body < LOAD_MIN) return null;
  const w = load();
  if (!w) return null;
  w.mem.set(head, 0);
  let start = chunk.byteOffset + pos - IN;
  if (chunk.buffer !== w.mem.buffer || start < 0 || start + body > INPUT_MAX) {
    w.mem.set(chunk.subarray(pos, last + 1), IN);
    start = 0;
  }
  return w.mem.subarray(OUT, w.lines(start, start + body, head.length, OUT + room));
}
