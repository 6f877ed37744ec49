// headLinesWasm (the WebAssembly loop) against a plain reference: every line behind the head,
// at any line length (the 16-byte block copy and memory.copy past 256 bytes), any head up to
// 64 bytes, with room before the lines, input copied in or read where it lies; and svrun log
// still frames without WebAssembly (node --jitless), through the JS loop.
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { headLinesWasm, inputBuffer, LOAD_MIN, ROOM_MAX } from '../../src/log/headlines.js';
import { tempDir } from '../helpers/fs.js';
import { SVRUN } from '../helpers/proc.js';

const rand = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);

// Lines of random length (0 to 600 bytes, some of exactly 15, 16, 17, 256, 257) and bytes.
function lines(next: () => number, total: number): Buffer {
  const special = [0, 14, 15, 16, 17, 255, 256, 257];
  const out: Buffer[] = [];
  let size = 0;
  while (size < total) {
    const len = next() < 0.2 ? special[Math.floor(next() * special.length)]! : Math.floor(next() * 600);
    const line = Buffer.alloc(len + 1);
    for (let i = 0; i < len; i++) line[i] = 32 + Math.floor(next() * 95);
    line[len] = 10;
    out.push(line);
    size += line.length;
  }
  const all = Buffer.concat(out);
  return all.subarray(0, all.lastIndexOf(10, total - 1) + 1);
}

function reference(chunk: Buffer, pos: number, last: number, head: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let p = pos; p <= last;) {
    const nl = chunk.indexOf(10, p);
    out.push(head, chunk.subarray(p, nl + 1));
    p = nl + 1;
  }
  return Buffer.concat(out);
}

describe('headLinesWasm', () => {
  beforeAll(() => {
    const flood = Buffer.from('x\n'.repeat(LOAD_MIN));
    expect(headLinesWasm(flood, 0, flood.length - 1, Buffer.from('h '), 0)).not.toBeNull();
  });

  it('is not loaded by chunks under LOAD_MIN bytes (services writing now and then), then by one of LOAD_MIN', async () => {
    vi.resetModules();
    const fresh = await import('../../src/log/headlines.js');
    const small = Buffer.from('y\n'.repeat(LOAD_MIN / 2 - 1));
    expect(fresh.headLinesWasm(small, 0, small.length - 1, Buffer.from('h '), 0)).toBeNull();
    expect(fresh.inputBuffer()).toBeNull();
    const big = Buffer.concat([small, Buffer.from('y\n')]);
    expect(fresh.headLinesWasm(big, 0, big.length - 1, Buffer.from('h '), 0)!.toString()).toBe('h y\n'.repeat(LOAD_MIN / 2));
    expect(fresh.inputBuffer()).not.toBeNull();
    expect(fresh.headLinesWasm(small, 0, small.length - 1, Buffer.from('h '), 0)).not.toBeNull();
  });

  it('puts every line behind the head, byte for byte as the reference, after the room asked for', () => {
    const next = rand(11);
    for (let round = 0; round < 60; round++) {
      const chunk = lines(next, 1 + Math.floor(next() * 65536));
      const head = Buffer.from('h'.repeat(Math.floor(next() * 65)));
      const pos = round % 2 ? 0 : chunk.indexOf(10) + 1;
      const room = Math.floor(next() * (ROOM_MAX + 1));
      const got = headLinesWasm(chunk, pos, chunk.length - 1, head, room);
      expect(got).not.toBeNull();
      expect(got!.length).toBe(room + reference(chunk, pos, chunk.length - 1, head).length);
      expect(got!.subarray(room).equals(reference(chunk, pos, chunk.length - 1, head))).toBe(true);
    }
  });

  it('frames input read into its own buffer where it lies, at any offset', () => {
    const next = rand(5);
    const input = inputBuffer()!;
    expect(input.length).toBe(65536);
    for (let round = 0; round < 20; round++) {
      const data = lines(next, 1000 + Math.floor(next() * 60000));
      const at = Math.floor(next() * (input.length - data.length));
      input.fill(10); // stray newlines around the input must not count
      data.copy(input, at);
      const chunk = input.subarray(at, at + data.length);
      const head = Buffer.from('2026-11-29_00:00:00.00000 stderr: ');
      expect(headLinesWasm(chunk, 0, chunk.length - 1, head, 0)!.equals(reference(data, 0, data.length - 1, head))).toBe(true);
    }
  });

  it('leaves to the JS loop a head over 64 bytes, over 64 KiB of lines, or more room than ROOM_MAX', () => {
    const chunk = Buffer.from('a\n'.repeat(40000));
    expect(headLinesWasm(chunk, 0, 65535, Buffer.alloc(65), 0)).toBeNull();
    expect(headLinesWasm(chunk, 0, 65537, Buffer.alloc(8), 0)).toBeNull();
    expect(headLinesWasm(chunk, 0, 99, Buffer.alloc(8), ROOM_MAX + 1)).toBeNull();
    expect(headLinesWasm(chunk, 0, 65535, Buffer.alloc(64), ROOM_MAX)).not.toBeNull();
  });
});

describe('svrun log without WebAssembly', () => {
  it('frames through the JS loop under node --jitless: every line, stamped', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config'), 's0\n'); // one file: no rotation
    const input = Array.from({ length: 20000 }, (_, i) => `${i} ${'z'.repeat(i % 300)}\n`).join('');
    const r = await execa('node', ['--jitless', SVRUN, 'log', '-tt', dir], { input, reject: false });
    expect(r.stderr).not.toMatch(/svrun/); // node itself warns that --jitless turns WebAssembly off
    expect(r.exitCode).toBe(0);
    const got = readFileSync(join(dir, 'current'), 'latin1').split('\n');
    expect(got.pop()).toBe('');
    expect(got.every((l) => /^\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d\.\d{5} /.test(l))).toBe(true);
    expect(got.map((l) => l.slice(26)).join('\n') + '\n').toBe(input);
  });
});
