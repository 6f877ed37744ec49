import { describe, expect, it } from 'vitest';
import { STAMP_LEN, StampBytes, formatStamp, ptime, tai64n } from '../../src/log/stamp.js';

// 2026-11-28T01:54:01.663060123Z
const t = { sec: Date.UTC(2026, 10, 28, 1, 54, 1) / 1000, nsec: 663_060_123 };

describe('timestamps', () => {
  it('formats TAI64N as @, 2^62 + 10 + seconds in 16 hex digits, nanoseconds in 8', () => {
    const label = tai64n(t);
    expect(label).toMatch(/^@[0-9a-f]{24}$/);
    expect(BigInt(`0x${label.slice(1, 17)}`)).toBe(2n ** 62n + 10n + BigInt(t.sec));
    expect(parseInt(label.slice(17), 16)).toBe(t.nsec);
  });

  it('formats -tt and -ttt in UTC with 5 fractional digits', () => {
    expect(ptime(t, '_')).toBe('2026-11-28_01:54:01.66306');
    expect(ptime(t, 'T')).toBe('2026-11-28T01:54:01.66306');
  });

  it('puts one space after the stamp and nothing without -t', () => {
    expect(formatStamp(0, t)).toBe('');
    expect(formatStamp(1, t)).toHaveLength(26);
    expect(formatStamp(2, t)).toBe('2026-11-28_01:54:01.66306 ');
    expect(formatStamp(3, t)).toBe('2026-11-28T01:54:01.66306 ');
  });

  it('pads small fractions with leading zeros', () => {
    expect(ptime({ sec: 0, nsec: 50_000 }, 'T')).toBe('1970-01-01T00:00:00.00005');
  });
});

describe('StampBytes', () => {
  it('writes the same bytes as formatStamp for every style, within a second and across seconds', () => {
    for (const style of [1, 2, 3] as const) {
      const buf = Buffer.alloc(STAMP_LEN + 4, 0x2e);
      const sb = new StampBytes(style, buf);
      const times = [
        t, { sec: t.sec, nsec: 5 }, { sec: t.sec, nsec: 999_999_999 }, { sec: t.sec, nsec: 10_000 },
        { sec: t.sec + 1, nsec: 123_456_789 }, { sec: t.sec + 1, nsec: 0 }, { sec: t.sec + 86_400, nsec: 42 },
      ];
      for (const when of times) {
        expect(sb.set(when).toString('latin1', 0, STAMP_LEN)).toBe(formatStamp(style, when));
        expect(buf.toString('latin1', STAMP_LEN)).toBe('....'); // what follows the stamp is left alone
      }
    }
  });
});
