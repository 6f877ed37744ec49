import { describe, expect, it } from 'vitest';
import { SvrunError } from '../../src/errors.js';
import { parseChpstArgs } from '../../src/wrap/chpst/options.js';

function usageOf(argv: string[]): string {
  try {
    parseChpstArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(SvrunError);
    expect((err as SvrunError).exitCode).toBe(100);
    return (err as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('parseChpstArgs', () => {
  it('takes values separate or attached, as getopt does', () => {
    const a = parseChpstArgs(['-u', 'nobody', '-e', 'env', 'prog']);
    const b = parseChpstArgs(['-unobody', '-eenv', 'prog']);
    expect(a).toEqual(b);
    expect(a.user).toBe('nobody');
    expect(a.envDir).toBe('env');
  });

  it('reads bundled flags and a value after the last letter of a bundle', () => {
    const o = parseChpstArgs(['-vP012', '-Pu', 'nobody', 'prog']);
    expect(o).toMatchObject({ verbose: true, setsid: true, user: 'nobody', close: { stdin: true, stdout: true, stderr: true } });
  });

  it('stops at the first non-option and leaves prog options alone', () => {
    const o = parseChpstArgs(['-n', '3', 'ls', '-l', '-u', 'x']);
    expect(o.prog).toBe('ls');
    expect(o.args).toEqual(['-l', '-u', 'x']);
    expect(o.user).toBeUndefined();
  });

  it('stops at -- and treats a lone - as prog', () => {
    expect(parseChpstArgs(['--', '-weird', 'a']).prog).toBe('-weird');
    expect(parseChpstArgs(['-', 'a']).prog).toBe('-');
  });

  it('accepts signed nice increments and a negative value after -n', () => {
    expect(parseChpstArgs(['-n', '-2', 'p']).nice).toBe(-2);
    expect(parseChpstArgs(['-n+3', 'p']).nice).toBe(3);
  });

  it('sets data, stack, memlock and as with -m, and a later -d overrides data', () => {
    const o = parseChpstArgs(['-m', '1000', '-d', '50', '-o', '7', '-p', '8', '-f', '9', '-c', '0', '-r', '11', '-t', '12', 'p']);
    expect(o.limits).toEqual({ data: 50, stack: 1000, memlock: 1000, as: 1000, nofile: 7, nproc: 8, fsize: 9, core: 0, rss: 11, cpu: 12 });
  });

  it('records -l as a waiting lock and -L as a failing one, the last winning', () => {
    expect(parseChpstArgs(['-l', 'a', 'p']).lock).toEqual({ file: 'a', wait: true });
    expect(parseChpstArgs(['-l', 'a', '-L', 'b', 'p']).lock).toEqual({ file: 'b', wait: false });
  });

  it('takes -b, -/ and -C values', () => {
    expect(parseChpstArgs(['-b', 'name', '-/', '/r', '-C', '/d', 'p'])).toMatchObject({ argv0: 'name', root: '/r', cwd: '/d' });
  });

  it('rejects a non-numeric limit or nice value naming the option', () => {
    expect(usageOf(['-m', '12k', 'p'])).toBe('-m: not a number: 12k');
    expect(usageOf(['-n', 'abc', 'p'])).toBe('-n: not a number: abc');
    expect(usageOf(['-o', '-1', 'p'])).toBe('-o: not a number: -1');
  });

  it('rejects an unknown letter, a missing value and a missing prog', () => {
    expect(usageOf(['-x', 'p'])).toBe('illegal option -- x');
    expect(usageOf(['-b'])).toBe('option requires an argument -- b');
    expect(usageOf(['-v'])).toBe('missing prog');
  });

  it('answers -V with a usage error, as chpst exits 100 after printing its version', () => {
    expect(usageOf(['-V', 'p'])).toMatch(/chpst/);
  });
});
