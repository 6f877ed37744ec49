import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SvrunError } from '../../src/errors.js';
import { readEnvDir } from '../../src/envdir/read.js';
import { envFileValue, splitEnvFileName } from '../../src/envdir/value.js';
import { makeTree, tempDir } from '../helpers/fs.js';

const value = (s: string | Buffer) => envFileValue(Buffer.isBuffer(s) ? s : Buffer.from(s)).value;

describe('envFileValue (chpst -e rules on one file)', () => {
  it('unsets for a zero-length file but sets empty for a lone newline', () => {
    expect(value('')).toBeNull();
    expect(value('\n')).toBe('');
  });

  it('keeps the first line only, trims trailing spaces and tabs but not CR or leading blanks', () => {
    expect(value('one\ntwo\n')).toBe('one');
    expect(value(' \tx \t \n')).toBe(' \tx');
    expect(value('x\r\n')).toBe('x\r');
  });

  it('turns NUL into newline after trimming', () => {
    expect(value('a\0b\0 \n')).toBe('a\nb\n');
  });

  it('reports bytes that are not UTF-8 as inexact', () => {
    expect(envFileValue(Buffer.from([0x61, 0xff, 0x0a]))).toEqual({ value: 'a\uFFFD', exact: false });
    expect(envFileValue(Buffer.from('é\n')).exact).toBe(true);
  });

  it('splits a file name at the first = into name and value prefix', () => {
    expect(splitEnvFileName('A=B=C')).toEqual({ name: 'A', prefix: 'B=C' });
    expect(splitEnvFileName('PORT')).toEqual({ name: 'PORT', prefix: null });
  });
});

describe('readEnvDir', () => {
  it('returns a patch of sets and unsets without touching process.env', async () => {
    const dir = makeTree(tempDir(), { PORT: '8080\n', GONE: '', '.hidden': 'x', 'A=B': 'c' });
    const before = { ...process.env };
    const r = await readEnvDir(dir);
    expect(r.patch).toEqual({ PORT: '8080', GONE: null, A: 'B=c' });
    expect(r.files).toEqual({ PORT: 'PORT', GONE: 'GONE', A: 'A=B' });
    expect(r.warnings).toEqual([]);
    expect(process.env).toEqual(before);
  });

  it('skips a subdirectory, a symlink to one and a dangling symlink with a warning naming each', async () => {
    const dir = makeTree(tempDir(), { SUB: { dir: true }, LINKDIR: { symlink: 'SUB' }, DANG: { symlink: 'nowhere' }, OK: 'yes' });
    const r = await readEnvDir(dir);
    expect(r.patch).toEqual({ OK: 'yes' });
    expect(r.warnings).toEqual([
      `ignoring ${join(dir, 'DANG')}: dangling symlink; variable left unchanged`,
      `ignoring ${join(dir, 'LINKDIR')}: is a directory`,
      `ignoring ${join(dir, 'SUB')}: is a directory`,
    ]);
  });

  it('sets names that are not shell identifiers and warns about each', async () => {
    const dir = makeTree(tempDir(), { 'my-var': 'a', '1ABC': 'b' });
    const r = await readEnvDir(dir);
    expect(r.patch).toEqual({ 'my-var': 'a', '1ABC': 'b' });
    expect(r.warnings).toEqual([
      `${join(dir, '1ABC')}: "1ABC" is not a shell variable name; set as is`,
      `${join(dir, 'my-var')}: "my-var" is not a shell variable name; set as is`,
    ]);
  });

  it('lets the later name in sorted order win when A and A=B both set A, and says so', async () => {
    const dir = makeTree(tempDir(), { 'A=B': 'x', A: 'plain' });
    const r = await readEnvDir(dir);
    expect(r.patch).toEqual({ A: 'B=x' });
    expect(r.warnings).toEqual([`${join(dir, 'A')} and ${join(dir, 'A=B')} both set A; ${join(dir, 'A=B')} wins`]);
  });

  it('adds hints about CRLF values and = in names only when verbose', async () => {
    const dir = makeTree(tempDir(), { CR: 'x\r\n', 'A=B': 'y' });
    expect((await readEnvDir(dir)).warnings).toEqual([]);
    const verbose = await readEnvDir(dir, { verbose: true });
    expect(verbose.warnings).toEqual([
      `${join(dir, 'A=B')}: file name contains '='; sets A to "B=..." as chpst does`,
      `${join(dir, 'CR')}: value ends in a carriage return (CRLF file?); kept as chpst does`,
    ]);
  });

  it('throws a SYSTEM error naming a missing dir', async () => {
    const dir = join(tempDir(), 'nope');
    const err = await readEnvDir(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SvrunError);
    expect(err).toMatchObject({ code: 'SYSTEM', exitCode: 111, message: `unable to switch to directory: ${dir}: file does not exist` });
  });

  it('throws rather than return part of the dir when a file cannot be read', async () => {
    // a symlink loop fails to open even for root, who ignores file modes
    const dir = makeTree(tempDir(), { A: 'a', LOOP: { symlink: 'LOOP' } });
    await expect(readEnvDir(dir)).rejects.toMatchObject({
      code: 'SYSTEM',
      message: `unable to read ${join(dir, 'LOOP')}: too many symbolic links`,
    });
  });
});
