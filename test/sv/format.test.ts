import { describe, expect, it } from 'vitest';
import { formatStatusLine, formatStatusPart } from '../../src/sv/format.js';
import type { StatusRecord } from '../../src/supervise/status.js';

const now = 1_800_000_100.9;
const run: StatusRecord = { stamp: { sec: 1_800_000_000, nsec: 500 }, pid: 9526, paused: false, want: 'u', term: false, state: 'run' };
const down: StatusRecord = { ...run, pid: 0, state: 'down', want: 'd' };

describe('formatStatusPart (sv status grammar)', () => {
  it('shows pid and whole seconds for a running service', () => {
    expect(formatStatusPart('./svc', run, { normallyDown: false, now })).toBe('run: ./svc: (pid 9526) 100s');
  });

  it('orders flags as sv does: normally down, paused, want down, got TERM', () => {
    const r = { ...run, paused: true, want: 'd' as const, term: true };
    expect(formatStatusPart('web', r, { normallyDown: true, now })).toBe('run: web: (pid 9526) 100s, normally down, paused, want down, got TERM');
  });

  it('says normally up and want up only for a service with no pid', () => {
    expect(formatStatusPart('./crash', { ...down, want: 'u' }, { normallyDown: false, now })).toBe('down: ./crash: 100s, normally up, want up');
    expect(formatStatusPart('./ctl', down, { normallyDown: true, now })).toBe('down: ./ctl: 100s');
    expect(formatStatusPart('./ctl', { ...down, paused: true, term: true }, { normallyDown: true, now })).toBe('down: ./ctl: 100s');
  });

  it('shows the pid of finish while finish runs', () => {
    expect(formatStatusPart('./svc', { ...run, state: 'finish', pid: 9673, want: 'd' }, { normallyDown: false, now })).toBe('finish: ./svc: (pid 9673) 100s, want down');
  });

  it('clamps a status stamp in the future to 0s', () => {
    expect(formatStatusPart('x', { ...run, stamp: { sec: now + 50, nsec: 0 } }, { normallyDown: false, now })).toBe('run: x: (pid 9526) 0s');
  });
});

describe('formatStatusLine', () => {
  it('appends the log service after a semicolon', () => {
    const line = formatStatusLine('./web', run, { normallyDown: false, now, log: { rec: { ...down, want: 'u' }, normallyDown: false } });
    expect(line).toBe('run: ./web: (pid 9526) 100s; down: log: 100s, normally up, want up\n');
  });

  it("adds svrun's failed reason after the main part", () => {
    const line = formatStatusLine('api', { ...down, want: 'u' }, { normallyDown: false, now, failed: 'crash loop: 5 exits in 10s' });
    expect(line).toBe('down: api: 100s, normally up, want up, failed: crash loop: 5 exits in 10s\n');
  });
});
