// The same env dirs under runit's chpst -e, daemontools' envdir, `svrun envdir` and `svrun chpst -e`:
// the printed environments must match, except where svrun deliberately differs (each such case says so).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTree, type TreeEntry } from '../helpers/fs.js';
import { SVRUN_FOR_ANYONE } from '../helpers/proc.js';
import { runTool, type PrintedEnv, type ToolRun } from './env0.js';

interface Case {
  name: string;
  tree: Record<string, TreeEntry>;
  fifos?: string[];
  preset?: Record<string, string>;
  /** Values chpst -e gives (null: not in the environment). */
  want: Record<string, string | null>;
  /** daemontools envdir dies with 111 here (runit-semantics §5.1). */
  djbFails?: boolean;
  /** A deliberate difference: the values svrun gives instead, and why. */
  svrun?: { values: Record<string, string | null>; why: string };
}

const LONG = 'v'.repeat(100_000);
const MANY: Record<string, string> = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`VAR_${i}`, `value ${i}\n`]));
const MANY_WANT: Record<string, string> = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`VAR_${i}`, `value ${i}`]));

const CASES: Case[] = [
  { name: 'a plain value with a newline', tree: { FOO: 'bar\n' }, want: { FOO: 'bar' } },
  { name: 'only the first line counts', tree: { FOO: 'line1\nline2\n' }, want: { FOO: 'line1' } },
  { name: 'a value without a final newline', tree: { FOO: 'bar' }, want: { FOO: 'bar' } },
  { name: 'trailing spaces and tabs are cut', tree: { FOO: 'bar \t \t\n' }, want: { FOO: 'bar' } },
  { name: 'leading blanks are kept', tree: { FOO: '  \tbar\n' }, want: { FOO: '  \tbar' } },
  { name: 'NUL becomes newline', tree: { FOO: 'a\0b\0\n' }, want: { FOO: 'a\nb\n' } },
  { name: 'a lone NUL becomes a newline', tree: { FOO: '\0\n' }, want: { FOO: '\n' } },
  { name: 'NUL is converted after trailing blanks are cut', tree: { FOO: 'a\0 \t\n' }, want: { FOO: 'a\n' } },
  { name: 'an empty file unsets a preset variable', tree: { FOO: '' }, preset: { FOO: 'old' }, want: { FOO: null } },
  { name: 'a file with only a newline sets the empty string', tree: { FOO: '\n' }, preset: { FOO: 'old' }, want: { FOO: '' } },
  { name: 'blanks then newline set the empty string', tree: { FOO: '   \n' }, want: { FOO: '' } },
  { name: 'only spaces, no newline, set the empty string', tree: { FOO: '   ' }, want: { FOO: '' } },
  { name: 'only a tab sets the empty string', tree: { FOO: '\t' }, want: { FOO: '' } },
  { name: 'an empty first line wins over a second line', tree: { FOO: '\nsecond\n' }, want: { FOO: '' } },
  { name: 'a CRLF line keeps its CR', tree: { FOO: 'bar\r\n' }, want: { FOO: 'bar\r' } },
  { name: 'blanks before a CR are kept', tree: { FOO: 'bar\r \t\r\n' }, want: { FOO: 'bar\r \t\r' } },
  { name: 'CR alone does not end the line', tree: { FOO: 'bar\rbaz\r' }, want: { FOO: 'bar\rbaz\r' } },
  { name: 'a CRLF-only file sets a lone CR', tree: { FOO: '\r\n' }, want: { FOO: '\r' } },
  { name: "'=' in the content is kept", tree: { FOO: 'a=b=c\n' }, want: { FOO: 'a=b=c' } },
  { name: "a file named A=B sets A to B=content", tree: { 'A=B': 'x\n' }, preset: { A: 'old' }, want: { A: 'B=x' } },
  { name: 'an empty file named A=B sets A to B', tree: { 'A=B': '' }, preset: { A: 'old' }, want: { A: 'B' } },
  { name: "a file named A=B holding a newline sets A to 'B='", tree: { 'A=B': '\n' }, want: { A: 'B=' } },
  { name: 'dot-files are skipped', tree: { '.HIDDEN': 'x\n', FOO: 'y\n' }, want: { '.HIDDEN': null, FOO: 'y' } },
  { name: 'a subdirectory is skipped', tree: { SUB: { dir: true }, FOO: 'y\n' }, want: { SUB: null, FOO: 'y' }, djbFails: true },
  { name: 'a symlink to a file is followed', tree: { 'target.txt': 'linked\n', FOO: { symlink: 'target.txt' } }, want: { FOO: 'linked', 'target.txt': 'linked' } },
  { name: 'a symlink to a directory is skipped', tree: { 'real/x': 'x', LINK: { symlink: 'real' } }, want: { LINK: null }, djbFails: true },
  { name: 'a 100 000-byte line is kept in full', tree: { FOO: `${LONG}\n` }, want: { FOO: LONG } },
  { name: 'names that are not shell identifiers are set as is', tree: { 'my-var': 'a\n', '1ABC': 'b\n', 'A B': 'c\n' }, want: { 'my-var': 'a', '1ABC': 'b', 'A B': 'c' } },
  { name: 'names with dots inside are set', tree: { 'a.b.c': 'dots\n' }, want: { 'a.b.c': 'dots' } },
  { name: 'two hundred files all apply', tree: MANY, want: MANY_WANT },
  { name: 'unicode values and names pass through', tree: { GREETING: 'héllo wörld ☃ 🚀\n', 'ÄÖ': 'ü\n' }, want: { GREETING: 'héllo wörld ☃ 🚀', 'ÄÖ': 'ü' } },
  { name: 'control bytes that are valid UTF-8 pass through', tree: { FOO: Buffer.from('\x01\x02\x1b[31m\x7f\n', 'latin1') }, want: { FOO: '\x01\x02\x1b[31m\x7f' } },
  { name: 'a preset variable is overwritten', tree: { FOO: 'new\n' }, preset: { FOO: 'old', KEEP: 'kept' }, want: { FOO: 'new', KEEP: 'kept' } },
  { name: 'an empty PATH file unsets PATH for the program', tree: { PATH: '' }, want: { PATH: null } },
  {
    name: 'bytes that are not UTF-8',
    tree: { FOO: Buffer.from([0x70, 0xff, 0xfe, 0x71, 0x0a]) },
    want: { FOO: 'bytes:70fffe71' },
    svrun: { values: { FOO: 'p\uFFFD\uFFFDq' }, why: 'Node hands env values to children as UTF-8 strings' },
  },
  {
    name: 'a dangling symlink',
    tree: { DANG: { symlink: 'nowhere' } },
    preset: { DANG: 'old' },
    want: { DANG: null },
    svrun: { values: { DANG: 'old' }, why: 'chpst reuses a stale buffer (unset when first); svrun warns and leaves the variable alone' },
  },
  {
    name: 'a FIFO',
    tree: {},
    fifos: ['PIPE'],
    preset: { PIPE: 'old' },
    want: { PIPE: null },
    svrun: { values: { PIPE: 'old' }, why: 'chpst reads nothing and unsets; svrun skips non-files with a warning' },
  },
  {
    name: "a file named '=B' (empty name)",
    tree: { '=B': 'x\n' },
    want: { '': 'B=x' },
    svrun: { values: { '': null }, why: 'an empty variable name is meaningless; svrun skips it with a warning' },
  },
];

const SVRUN_ENVDIR = [process.execPath, SVRUN_FOR_ANYONE, 'envdir'];
const SVRUN_CHPST = [process.execPath, SVRUN_FOR_ANYONE, 'chpst', '-e'];
let root = '';
const reference = new Map<Case, Promise<{ chpst: ToolRun; djb: ToolRun }>>();

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'svrun-diff-'));
  chmodSync(root, 0o755); // the nobody cases below must be able to traverse it
  CASES.forEach((c, i) => {
    const dir = makeTree(join(root, String(i)), { ...c.tree, '.keep': '' });
    for (const f of c.fifos ?? []) execFileSync('mkfifo', [join(dir, f)]);
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const dirOf = (c: Case) => join(root, String(CASES.indexOf(c)));

function referenceRun(c: Case) {
  let p = reference.get(c);
  if (!p) {
    p = Promise.all([runTool(['/usr/bin/chpst', '-e'], dirOf(c), c.preset), runTool(['/usr/bin/envdir'], dirOf(c), c.preset)])
      .then(([chpst, djb]) => ({ chpst, djb }));
    reference.set(c, p);
  }
  return p;
}

function valuesOf(env: PrintedEnv, names: string[]): Record<string, string | null> {
  return Object.fromEntries(names.map((n) => [n, env[n] ?? null]));
}

function without(env: PrintedEnv, names: string[]): PrintedEnv {
  return Object.fromEntries(Object.entries(env).filter(([n]) => !names.includes(n)));
}

describe('the reference tools agree with runit-semantics §5.1', () => {
  it('covers at least 30 env dirs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of CASES) {
    it(`chpst -e: ${c.name}`, async () => {
      const { chpst, djb } = await referenceRun(c);
      expect(chpst.exitCode, chpst.stderr).toBe(0);
      expect(valuesOf(chpst.env, Object.keys(c.want))).toEqual(c.want);
      if (c.djbFails) {
        expect(djb.exitCode).toBe(111);
        expect(djb.stderr).toMatch(/^envdir: fatal: unable to read .*: is a directory$/);
      } else {
        expect(djb.exitCode).toBe(0);
        expect(djb.env).toEqual(chpst.env);
      }
    });
  }
});

for (const [label, tool] of [['svrun envdir', SVRUN_ENVDIR], ['svrun chpst -e', SVRUN_CHPST]] as const) {
  describe(`${label} prints the same environment as chpst -e`, () => {
    for (const c of CASES) {
      const title = c.svrun ? `differs on purpose: ${c.name} (${c.svrun.why})` : c.name;
      it(title, async () => {
        const [{ chpst }, ours] = await Promise.all([referenceRun(c), runTool(tool, dirOf(c), c.preset)]);
        expect(ours.exitCode, ours.stderr).toBe(0);
        const differing = Object.keys(c.svrun?.values ?? {});
        expect(without(ours.env, differing)).toEqual(without(chpst.env, differing));
        if (c.svrun) {
          expect(valuesOf(ours.env, differing)).toEqual(c.svrun.values);
          expect(valuesOf(chpst.env, differing)).not.toEqual(c.svrun.values);
        }
      });
    }
  });
}

interface FailCase {
  name: string;
  /** Builds the case under its own dir and returns the DIR argument. */
  setup: (base: string) => string;
  asNobody: boolean;
  /** chpst's message after "chpst: fatal: "; DIR stands for the DIR argument. */
  message: string;
}

const FAILS: FailCase[] = [
  { name: 'a missing dir', setup: (b) => join(b, 'missing'), asNobody: false, message: 'unable to switch to directory: DIR: file does not exist' },
  { name: 'a DIR that is a file', setup: (b) => makeTree(b, { file: 'x' }) && join(b, 'file'), asNobody: false, message: 'unable to switch to directory: DIR: not a directory' },
  {
    name: 'an unreadable file, read as nobody',
    setup: (b) => makeTree(join(b, 'env'), { A: 'a\n', FOO: { content: 's3cret\n', mode: 0o000 }, Z: 'z\n' }),
    asNobody: true,
    message: 'unable to read DIR/FOO: access denied',
  },
  {
    name: 'a dir nobody may not enter',
    setup: (b) => { const d = makeTree(join(b, 'env'), { A: 'a\n' }); chmodSync(d, 0o700); return d; },
    asNobody: true,
    message: 'unable to switch to directory: DIR: access denied',
  },
  {
    name: 'a dir nobody may enter but not list',
    setup: (b) => { const d = makeTree(join(b, 'env'), { A: 'a\n' }); chmodSync(d, 0o711); return d; },
    asNobody: true,
    message: 'unable to open directory: DIR: access denied',
  },
];

describe('fatal errors: exit 111, one line, the same message as chpst, and PROG never runs', () => {
  FAILS.forEach((f, i) => {
    it(`fails like chpst -e on ${f.name}`, async () => {
      const base = join(root, `fail-${i}`);
      mkdirSync(base, { mode: 0o755 });
      const dir = f.setup(base);
      const [chpst, ours] = await Promise.all([
        runTool(['/usr/bin/chpst', '-e'], dir, {}, f.asNobody),
        runTool(SVRUN_ENVDIR, dir, {}, f.asNobody),
      ]);
      const message = f.message.replace('DIR', dir);
      expect(chpst).toMatchObject({ exitCode: 111, stderr: `chpst: fatal: ${message}`, env: {} });
      expect(ours).toMatchObject({ exitCode: 111, stderr: `svrun envdir: fatal: ${message}`, env: {} });
      expect(ours.stderr).not.toContain('s3cret');
    });
  });
});

describe('svrun envdir warnings', () => {
  it('names a skipped subdirectory on stderr while chpst stays silent', async () => {
    const c = CASES.find((x) => x.name === 'a subdirectory is skipped')!;
    const [{ chpst }, ours] = await Promise.all([referenceRun(c), runTool(SVRUN_ENVDIR, dirOf(c))]);
    expect(chpst.stderr).toBe('');
    expect(ours.stderr).toBe(`svrun envdir: warning: ignoring ${join(dirOf(c), 'SUB')}: is a directory`);
  });
});
