import { describe, expect, it } from 'vitest';
import { pmatch } from '../../src/log/pmatch.js';

const m = (p: string, s: string) => pmatch(Buffer.from(p), Buffer.from(s));

describe('pmatch (svlogd patterns)', () => {
  it('matches literal text only when the whole line is consumed', () => {
    expect(m('abc', 'abc')).toBe(true);
    expect(m('abc', 'abcd')).toBe(false);
    expect(m('abc', 'ab')).toBe(false);
  });

  it('lets a trailing star match the rest of the line', () => {
    expect(m('tcpsvd*', 'tcpsvd: info: pid 1977 from 10.0.0.1')).toBe(true);
    expect(m('*', '')).toBe(true);
  });

  it('does not backtrack: a star stops at the first occurrence of the next char', () => {
    const line = 'tcpsvd: info: pid 1977 from 10.0.0.1';
    expect(m('*pid*', line)).toBe(false);
    expect(m('*: *: pid *', line)).toBe(true);
  });

  it('fails a star whose next char never appears', () => {
    expect(m('*x', 'abc')).toBe(false);
  });

  it('matches one or more of the char after a plus', () => {
    expect(m('a+b', 'abbb')).toBe(true);
    expect(m('a+bc', 'abbbc')).toBe(true);
    expect(m('a+bc', 'ac')).toBe(false);
  });

  it('keeps pmatch.c’s quirk: a line used up inside a plus run matches', () => {
    expect(m('+ab', 'aaa')).toBe(true);
  });
});
