import { describe, expect, it } from 'vitest';
import { selectAction } from '../../src/sv/commands.js';
import { isDone } from '../../src/sv/done.js';
import type { StatusRecord } from '../../src/supervise/status.js';

const letters = (w: string) => selectAction(w)?.letters;

describe('selectAction (sv command words)', () => {
  it('selects by first character for most words', () => {
    expect(letters('dance')).toBe('d');
    expect(letters('tickle')).toBe('t');
    expect(letters('cxyz')).toBe('c');
    expect(letters('1x')).toBe('1');
    expect(letters('up')).toBe('u');
    expect(letters('once')).toBe('o');
    expect(letters('exit')).toBe('x');
    expect(selectAction('sxyz')?.kind).toBe('status');
  });

  it('needs full words for start, stop, shutdown, restart, reload, try-restart, check and force-*', () => {
    expect(selectAction('start')).toEqual({ kind: 'control', letters: 'u', wait: true, kill: false });
    expect(selectAction('stop')).toEqual({ kind: 'control', letters: 'd', wait: true, kill: false });
    expect(selectAction('shutdown')).toMatchObject({ letters: 'x', wait: true });
    expect(selectAction('restart')).toMatchObject({ letters: 'tcu', wait: true, kill: false });
    expect(selectAction('reload')).toMatchObject({ letters: 'h', wait: true });
    expect(selectAction('try-restart')).toMatchObject({ letters: 'tc', wait: true });
    expect(selectAction('check')).toEqual({ kind: 'check', letters: 'C', wait: true, kill: false });
    expect(selectAction('force-restart')).toMatchObject({ letters: 'tcu', kill: true });
    expect(selectAction('stopp')?.kind).toBe('status');
    expect(selectAction('term')).toMatchObject({ letters: 't', wait: false });
    expect(selectAction('checks')).toMatchObject({ letters: 'c', wait: false });
  });

  it('reads capitals as force forms that kill on timeout', () => {
    expect(selectAction('Down')).toEqual({ kind: 'control', letters: 'd', wait: true, kill: true });
    expect(selectAction('Term')).toMatchObject({ letters: 'tc', kill: true });
    expect(selectAction('Exit')).toMatchObject({ letters: 'x', kill: true });
    expect(selectAction('X')).toMatchObject({ letters: 'x', kill: true });
  });

  it('rejects other words, including unknown r… and f… words', () => {
    for (const w of ['bogus', 'rerun', 'frob', 'force', 'Up', '', 'v']) expect(selectAction(w)).toBeUndefined();
  });
});

describe('isDone (sv wait tests)', () => {
  const t0 = 1_800_000_000;
  const run: StatusRecord = { stamp: { sec: t0, nsec: 0 }, pid: 7, paused: false, want: 'u', term: false, state: 'run' };
  const down: StatusRecord = { ...run, pid: 0, state: 'down', want: 'd' };
  const yes = async () => true;
  const no = async () => false;

  it('calls up done when running and ./check passes', async () => {
    expect(await isDone('u', run, t0, yes)).toBe(true);
    expect(await isDone('u', run, t0, no)).toBe(false);
    expect(await isDone('u', { ...run, state: 'finish' }, t0, yes)).toBe(false);
  });

  it('calls down done only when down with no pid (so it waits for finish)', async () => {
    expect(await isDone('d', down, t0, no)).toBe(true);
    expect(await isDone('d', { ...down, state: 'finish', pid: 8 }, t0, yes)).toBe(false);
  });

  it('calls restart done once run started in or after the second sv started, without TERM pending', async () => {
    expect(await isDone('tcu', run, t0, yes)).toBe(true);
    expect(await isDone('tcu', run, t0 + 1, yes)).toBe(false);
    expect(await isDone('tcu', { ...run, term: true }, t0, yes)).toBe(false);
    expect(await isDone('tc', { ...down, want: 'd' }, t0 + 5, no)).toBe(true);
  });

  it('tests pause and cont by the paused flag, once by want down or a fresh down', async () => {
    expect(await isDone('p', { ...run, paused: true }, t0, no)).toBe(true);
    expect(await isDone('p', run, t0, no)).toBe(false);
    expect(await isDone('c', run, t0, no)).toBe(true);
    expect(await isDone('o', { ...run, want: 'd' }, t0, no)).toBe(true);
    expect(await isDone('o', run, t0, no)).toBe(false);
    expect(await isDone('o', down, t0 + 1, no)).toBe(false);
  });

  it('never calls exit done while the supervisor answers, and signals done at once', async () => {
    expect(await isDone('x', down, t0, yes)).toBe(false);
    expect(await isDone('h', run, t0, no)).toBe(true);
  });

  it('checks up or down by the want byte for the check command', async () => {
    expect(await isDone('C', run, t0, yes)).toBe(true);
    expect(await isDone('C', { ...run, want: 'd' }, t0, yes)).toBe(false);
    expect(await isDone('C', down, t0, no)).toBe(true);
  });
});
