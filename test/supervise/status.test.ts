import { describe, expect, it } from 'vitest';
import { decodeStatus, encodeStatus, formatStat, type StatusRecord } from '../../src/supervise/status.js';

const up: StatusRecord = { stamp: { sec: 0x6b0a3457 - 10, nsec: 0x1156e954 }, pid: 0x2536, paused: false, want: 'u', term: false, state: 'run' };

describe('supervise/status codec', () => {
  it('decodes the record runsv wrote for a running service', () => {
    const b = Buffer.from('400000006b0a34571156e95436250000007500' + '01', 'hex');
    expect(decodeStatus(b)).toEqual(up);
  });

  it('encodes a record to the same 20 bytes runsv writes', () => {
    expect(encodeStatus(up).toString('hex')).toBe('400000006b0a34571156e95436250000007500' + '01');
  });

  it('puts the pid little-endian and the TAI64 label at 2^62 + 10 + unix seconds', () => {
    const b = encodeStatus({ ...up, stamp: { sec: 1_700_000_000, nsec: 500 }, pid: 0x01020304 });
    expect(b.readBigUInt64BE(0)).toBe(2n ** 62n + 10n + 1_700_000_000n);
    expect([...b.subarray(12, 16)]).toEqual([4, 3, 2, 1]);
  });

  it('decodes the down and want-down-with-TERM rows of the reference dumps', () => {
    const down = decodeStatus(Buffer.from('400000006b0a345c11cdced4000000000064000 0'.replace(' ', ''), 'hex'));
    expect(down).toMatchObject({ pid: 0, want: 'd', term: false, state: 'down', paused: false });
    const o = decodeStatus(Buffer.from('400000006b0a34571156e954362500000064010 1'.replace(' ', ''), 'hex'));
    expect(o).toMatchObject({ pid: 0x2536, want: 'd', term: true, state: 'run' });
  });

  it("reads daemontools' 18-byte record as running when it has a pid", () => {
    const b = encodeStatus({ ...up, paused: true }).subarray(0, 18);
    expect(decodeStatus(b)).toEqual({ ...up, paused: true, term: false, state: 'run' });
  });

  it('rejects a record of another length with a one-line error', () => {
    expect(() => decodeStatus(Buffer.alloc(7))).toThrow(/bad format/);
  });

  it('writes the stat line in runsv order: state, paused, got TERM, want', () => {
    expect(formatStat({ ...up, term: true, want: 'd' }, false)).toBe('run, got TERM, want down\n');
    expect(formatStat({ ...up, paused: true, term: true }, false)).toBe('run, paused, got TERM\n');
    expect(formatStat({ ...up, term: true, want: 'd' }, true)).toBe('run, got TERM, want exit\n');
    expect(formatStat({ ...up, pid: 0, state: 'down', want: 'd', paused: true }, false)).toBe('down, paused\n');
    expect(formatStat({ ...up, state: 'finish' }, false)).toBe('finish\n');
  });
});
