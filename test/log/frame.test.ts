import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/log/config.js';
import { frame, frameEnd, frameLines, frameState, type FrameOptions } from '../../src/log/frame.js';
import { formatStamp } from '../../src/log/stamp.js';

const clock = () => ({ sec: Date.UTC(2026, 10, 28) / 1000, nsec: 0 });
const opts = (o: Partial<FrameOptions> = {}, config = ''): FrameOptions => {
  const c = parseConfig(config).config;
  return { stamp: 0, replace: null, lineMax: 1000, bufLen: 1024, prefix: c.prefix, rules: c.rules, ...o };
};
const run = (o: FrameOptions, ...chunks: string[]) => {
  const st = frameState(o);
  let out = '';
  let echo = '';
  for (const c of chunks) {
    const f = frame(st, Buffer.from(c), clock);
    out += Buffer.concat(f.out).toString();
    echo += f.echo?.toString() ?? '';
  }
  const e = frameEnd(st);
  return { out: out + Buffer.concat(e.out).toString(), echo: echo + (e.echo?.toString() ?? '') };
};

describe('frame', () => {
  it('joins lines split across chunks', () => {
    expect(run(opts({ stamp: 2 }), 'on', 'e\ntw', 'o\n').out).toBe('2026-11-28_00:00:00.00000 one\n2026-11-28_00:00:00.00000 two\n');
  });

  it('keeps a final line without newline and adds the newline', () => {
    expect(run(opts(), 'one\ntwo\nthree-partial').out).toBe('one\ntwo\nthree-partial\n');
  });

  it('applies the prefix after the stamp, and the last matching rule', () => {
    const o = opts({}, 'pweb: \n-*\n+*keep*\n');
    expect(run(o, 'drop me\nkeep me\n').out).toBe('web: keep me\n');
  });

  it('echoes e-selected lines to stderr, cut at -l with ...', () => {
    const r = run(opts({ lineMax: 5, bufLen: 10 }, 'e*'), 'short\nab\n');
    expect(r.echo).toBe('short...\nab\n');
    expect(r.out).toBe('short\nab\n');
  });

  it('replaces non-printables and -R chars only within the first -l bytes', () => {
    const o = opts({ lineMax: 4, bufLen: 8, replace: { with: 0x2e, chars: Buffer.from('x') } });
    expect(run(o, 'a\tx\x01b\tc\n').out).toBe('a..\x2eb\tc\n');
  });

  it('streams a line longer than -b without holding it whole', () => {
    const st = frameState(opts({ lineMax: 4, bufLen: 8 }, '+*'));
    expect(Buffer.concat(frame(st, Buffer.from('0123456789'), clock).out).toString()).toBe('0123456789');
    expect(Buffer.concat(frame(st, Buffer.from('ab\nnext\n'), clock).out).toString()).toBe('ab\nnext\n');
  });

  it('stamps every line of a chunk with thousands of lines, then of a shorter one (line ends kept between chunks)', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `${i}\n`).join('');
    const r = run(opts({ stamp: 2 }), many, 'a\nb\n');
    const lines = r.out.split('\n').slice(0, -1);
    expect(lines).toHaveLength(5002);
    expect(lines.every((l) => l.startsWith('2026-11-28_00:00:00.00000 '))).toBe(true);
    expect(lines.map((l) => l.slice(26))).toEqual([...Array.from({ length: 5000 }, (_, i) => String(i)), 'a', 'b']);
  });
});

describe('frameLines', () => {
  // A seeded generator: the same splits on every run, many shapes of chunk.
  const rand = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);

  it('frames every split of a stream byte for byte as frame() does, or leaves the chunk to it untouched', () => {
    const next = rand(7);
    const text = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(Math.floor(next() * 30))}\n`).join('') + 'tail';
    const input = Buffer.from(text);
    for (const prefix of ['', 'web: ']) {
      for (let round = 0; round < 20; round++) {
        const o = opts({ stamp: 2, bufLen: 24, prefix: Buffer.from(prefix) });
        const a = frameState(o);
        const b = frameState(o);
        let fast = '';
        let slow = '';
        let took = 0;
        for (let pos = 0; pos < input.length;) {
          const end = Math.min(input.length, pos + 1 + Math.floor(next() * 120));
          const chunk = input.subarray(pos, end);
          const stamp = Buffer.from(formatStamp(2, clock()) + prefix);
          const before = JSON.stringify(a);
          const got = frameLines(a, chunk, stamp, Buffer.allocUnsafe);
          if (got) {
            fast += got.toString();
            took++;
          } else {
            expect(JSON.stringify(a)).toBe(before);
            fast += Buffer.concat(frame(a, chunk, clock).out).toString();
          }
          slow += Buffer.concat(frame(b, chunk, clock).out).toString();
          pos = end;
        }
        fast += Buffer.concat(frameEnd(a).out).toString();
        slow += Buffer.concat(frameEnd(b).out).toString();
        expect(fast).toBe(slow);
        expect(took).toBeGreaterThan(0);
      }
    }
  });

  it('keeps its copy of the partial line: the caller may reuse the chunk', () => {
    const st = frameState(opts({ stamp: 2 }));
    const chunk = Buffer.from('one\ntw');
    const head = Buffer.from(formatStamp(2, clock()));
    expect(frameLines(st, chunk, head, Buffer.allocUnsafe)!.toString()).toBe(`${head}one\n`);
    chunk.fill(0x21);
    expect(frameLines(st, Buffer.from('o\n'), head, Buffer.allocUnsafe)!.toString()).toBe(`${head}two\n`);
  });

  it('leaves a chunk without a newline, or with a tail of -b bytes or more, to frame()', () => {
    const st = frameState(opts({ stamp: 2, bufLen: 8 }));
    const head = Buffer.from(formatStamp(2, clock()));
    expect(frameLines(st, Buffer.from('no newline'), head, Buffer.allocUnsafe)).toBeNull();
    expect(frameLines(st, Buffer.from('a\n01234567'), head, Buffer.allocUnsafe)).toBeNull();
    expect(st.carryLen).toBe(0);
  });
});
