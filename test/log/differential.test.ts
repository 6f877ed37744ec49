// svrun log against Debian's svlogd on the same input and config.
import { execa } from 'execa';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fs.js';
import { pollUntil, start, svrun } from '../helpers/proc.js';

interface Outcome {
  exitCode: number | undefined;
  stderr: string;
  /** Rotated files then current, oldest first. */
  files: { name: string; size: number; text: string }[];
}

async function both(input: string, config: string, args: string[] = [], setup?: (dir: string) => void) {
  const root = tempDir();
  const run = async (which: 'svlogd' | 'svrun'): Promise<Outcome> => {
    const dir = join(root, which);
    mkdirSync(dir);
    if (config) writeFileSync(join(dir, 'config'), config);
    setup?.(dir);
    const r = which === 'svlogd'
      ? await execa('/usr/bin/svlogd', [...args, dir], { input, reject: false, timeout: 20_000 })
      : await svrun(['log', ...args, dir], { input });
    const names = readdirSync(dir).filter((n) => n.startsWith('@')).sort();
    names.push('current');
    const files = names.map((name) => ({
      name, size: statSync(join(dir, name)).size, text: readFileSync(join(dir, name), 'latin1'),
    }));
    return { exitCode: r.exitCode, stderr: String(r.stderr), files };
  };
  return { svlogd: await run('svlogd'), svrun: await run('svrun') };
}

const numbered = (n: number, f = (i: number) => `line${String(i).padStart(4, '0')}|payload`) =>
  Array.from({ length: n }, (_, i) => `${f(i + 1)}\n`).join('');
const shape = (o: Outcome) => o.files.map((f) => ({ kind: f.name === 'current' ? 'current' : f.name.slice(26), size: f.size }));
const text = (o: Outcome) => o.files.map((f) => f.text).join('');

describe('svrun log vs svlogd', () => {
  it('rotates by size and count exactly as svlogd (s100 n3, lines split across files)', async () => {
    const r = await both(numbered(300), 's100\nn3\n');
    expect(r.svrun.exitCode).toBe(0);
    expect(r.svlogd.exitCode).toBe(0);
    expect(shape(r.svrun)).toEqual(shape(r.svlogd));
    expect(r.svrun.files).toHaveLength(4);
    expect(text(r.svrun)).toBe(text(r.svlogd));
    for (const f of r.svrun.files) expect(f.name === 'current' || /^@[0-9a-f]{24}\.s$/.test(f.name)).toBe(true);
  });

  it('rotates on line boundaries with -l as svlogd (s100 -l 20)', async () => {
    const r = await both(numbered(200, (i) => `l${String(i).padStart(6, '0')}`), 's100\nn0\n', ['-l', '20', '-b', '64']);
    expect(shape(r.svrun)).toEqual(shape(r.svlogd));
    expect(text(r.svrun)).toBe(text(r.svlogd));
    // 8-byte lines: a file closes at the first line boundary at or past 100 - 20
    expect(r.svrun.files[0]!.size).toBe(80);
  });

  it('selects with - and + patterns, and echoes e/E selections to stderr, as svlogd', async () => {
    const input = [
      'tcpsvd: info: pid 1977 from 10.0.0.1',
      'tcpsvd: info: end 1977 exit 0',
      'app: error: disk on fire',
      'app: info: pid 12',
      'other line',
    ].map((l) => `${l}\n`).join('');
    for (const config of ['-*pid*\n', '-*: *: pid *\n', '-*\n+app*\n', 'e*error*\n', 'e*\nE*info*\n-*\n']) {
      const r = await both(input, config);
      expect(text(r.svrun), config).toBe(text(r.svlogd));
      expect(r.svrun.stderr, config).toBe(r.svlogd.stderr);
    }
  });

  it('puts the p prefix before each line as svlogd', async () => {
    const r = await both('one\ntwo\n', 'p[web] \n');
    expect(text(r.svrun)).toBe('[web] one\n[web] two\n');
    expect(text(r.svrun)).toBe(text(r.svlogd));
  });

  it.each([
    ['-t', /^@[0-9a-f]{24} /],
    ['-tt', /^\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d\.\d{5} /],
    ['-ttt', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{5} /],
  ])('prefixes lines with the %s stamp shape svlogd uses', async (flag, re) => {
    const r = await both('alpha\nbeta\n', 'pP:', [flag]);
    for (const o of [r.svrun, r.svlogd]) {
      const lines = text(o).trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      for (const l of lines) expect(l).toMatch(re);
    }
    const rest = (o: Outcome) => text(o).split('\n').map((l) => l.replace(re, ''));
    expect(rest(r.svrun)).toEqual(rest(r.svlogd));
    expect(rest(r.svrun)[0]).toBe('P:alpha');
  });

  it('replaces non-printables with -r and chosen chars with -R as svlogd', async () => {
    const input = 'tab\there\x01ctl é\nkeep:colon;semi\n';
    for (const args of [['-r', '?'], ['-R', ':;'], ['-r', '#', '-R', ':']]) {
      const r = await both(input, '', args);
      expect(text(r.svrun), args.join(' ')).toBe(text(r.svlogd));
    }
  });

  it('keeps a final line without newline (deliberate difference: svlogd drops it)', async () => {
    const r = await both('one\ntwo\nthree-partial', '');
    expect(text(r.svlogd)).toBe('one\ntwo\n');
    expect(text(r.svrun)).toBe('one\ntwo\nthree-partial\n');
  });

  it('renames an unclean current (no u+x bit) to a .u file at start, as svlogd', async () => {
    const r = await both('new\n', '', [], (dir) => {
      writeFileSync(join(dir, 'current'), 'left by a killed logger\n');
      chmodSync(join(dir, 'current'), 0o644);
    });
    expect(shape(r.svrun)).toEqual(shape(r.svlogd));
    expect(shape(r.svrun).map((f) => f.kind)).toEqual(['u', 'current']);
    expect(r.svrun.files[0]!.text).toBe('left by a killed logger\n');
    expect(text(r.svrun)).toBe(text(r.svlogd));
  });

  it('appends to a clean current (u+x set) and marks it clean again on exit', async () => {
    const r = await both('new\n', '', [], (dir) => {
      writeFileSync(join(dir, 'current'), 'old\n');
      chmodSync(join(dir, 'current'), 0o744);
    });
    expect(shape(r.svrun)).toEqual(shape(r.svlogd));
    expect(text(r.svrun)).toBe('old\nnew\n');
  });

  it('refuses a second logger on a locked directory as svlogd, but exits 111 with one line', async () => {
    const dir = tempDir();
    const holder = start('flock', ['-n', join(dir, 'lock'), 'sleep', '30']);
    await pollUntil(async () => (await execa('flock', ['-n', join(dir, 'lock'), 'true'], { reject: false })).exitCode === 1, 10_000, 'the lock to be held');
    const r = await svrun(['log', dir], { input: 'x\n' });
    expect(r.exitCode).toBe(111);
    expect(r.stderr).toMatch(/svrun log: warning: unable to lock .*lock: temporary failure/);
    expect(r.stderr).toMatch(/svrun log: fatal: no functional log directories/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(holder.pid).toBeGreaterThan(0); // killed with its group when the test ends
  });

  it('rejects -b not above -l with exit 100 (svlogd: usage, 111)', async () => {
    const dir = tempDir();
    const r = await svrun(['log', '-l', '100', '-b', '50', dir], { input: '' });
    expect(r.exitCode).toBe(100);
    expect(r.stderr.trim()).toBe('svrun log: usage: -b 50 must be greater than -l 100');
    const s = await execa('/usr/bin/svlogd', ['-l', '100', '-b', '50', dir], { reject: false, input: '' });
    expect(s.exitCode).toBe(111);
  });
});
