import { describe, expect, it } from 'vitest';
import { ROTATE, place, type Op } from '../../src/log/place.js';

const lines = (n: number, width: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => `${String(i).padStart(width - 1, '0')}\n`).join(''));

// File contents the ops produce, starting from an empty current.
function files(ops: Op[]): string[] {
  const out = [''];
  for (const op of ops) {
    if (op === ROTATE) out.push('');
    else out[out.length - 1] += op.toString();
  }
  return out;
}

describe('place (svlogd size rotation)', () => {
  it('appends everything in one piece when no limit is near', () => {
    const out = lines(10, 10);
    const r = place(0, out, { sizeMax: 1_000_000, lineMax: 1000 });
    expect(r.ops).toEqual([out]);
    expect(r.size).toBe(100);
  });

  it('splits lines across files of exactly sizeMax bytes when sizeMax <= lineMax', () => {
    const out = lines(25, 10);
    const r = place(0, out, { sizeMax: 100, lineMax: 1000 });
    expect(files(r.ops).map((f) => f.length)).toEqual([100, 100, 50]);
    expect(files(r.ops).join('')).toBe(out.toString());
  });

  it('splits a line when the file fills mid-line', () => {
    const out = lines(20, 15);
    const f = files(place(0, out, { sizeMax: 100, lineMax: 1000 }).ops);
    expect(f[0]!.length).toBe(100);
    expect(f[0]!.endsWith('\n')).toBe(false);
  });

  it('rotates on line boundaries once size reaches sizeMax - lineMax', () => {
    const out = lines(30, 9);
    const f = files(place(0, out, { sizeMax: 100, lineMax: 20 }).ops);
    // 9 lines of 9 bytes = 81 >= 80 rotates
    expect(f.slice(0, 3).map((x) => x.length)).toEqual([81, 81, 81]);
    expect(f.join('')).toBe(out.toString());
  });

  it('continues from the size current already has', () => {
    const r = place(95, Buffer.from('abcdefghij\n'), { sizeMax: 100, lineMax: 1000 });
    expect(files(r.ops)).toEqual(['abcde', 'fghij\n']);
    expect(r.size).toBe(6);
  });

  it('never rotates with sizeMax 0', () => {
    const out = lines(1000, 10);
    expect(place(5, out, { sizeMax: 0, lineMax: 1000 })).toEqual({ ops: [out], size: 10_005 });
  });

  it('gives the same files whether the stream comes in one chunk or line by line', () => {
    const out = lines(500, 13);
    const lim = { sizeMax: 300, lineMax: 50 };
    const whole = files(place(0, out, lim).ops);
    let size = 0;
    const ops: Op[] = [];
    for (let i = 0; i < out.length; i += 13) {
      const r = place(size, out.subarray(i, i + 13), lim);
      ops.push(...r.ops);
      size = r.size;
    }
    expect(files(ops)).toEqual(whole);
  });
});
