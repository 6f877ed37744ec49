import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { makeTree, script, tempDir } from '../helpers/fs.js';
import { SVRUN_FOR_ANYONE, svrun } from '../helpers/proc.js';

// A services dir with one service using every layer.
function services(): { root: string; web: string } {
  const root = makeTree(tempDir(), {
    '.env': 'LOG_LEVEL=info\nDATABASE_URL=postgres://app:pw@db/app\n',
    'web/run': script('exec node server.js'),
    'web/.env': 'LOG_LEVEL=debug\nAPI_TOKEN=abc123\n',
    'web/env/PORT': '8080\n',
    'web/env/CRLF': 'x\r\n',
    'web/env/DEBUG': '',
    'web/env/SUB': { dir: true },
  });
  return { root, web: join(root, 'web') };
}

describe('svrun env', () => {
  it('lists what the files of a service set or unset, sorted, each with its file, secrets masked', async () => {
    const { web } = services();
    const r = await svrun(['env'], { cwd: web });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'API_TOKEN=****  # from .env',
      'CRLF="x\\r"  # from env/CRLF',
      'DATABASE_URL=postgres://app:****@db/app  # from ../.env',
      'unset DEBUG  # by env/DEBUG (empty file)',
      'LOG_LEVEL=debug  # from .env',
      'PORT=8080  # from env/PORT',
    ]);
    expect(r.stderr.split('\n')).toEqual([
      'svrun env: warning: env/CRLF: value ends in a carriage return (CRLF file?); kept as chpst does',
      'svrun env: warning: ignoring env/SUB: is a directory',
    ]);
  });

  it('shows secret values with --show-secrets', async () => {
    const { web } = services();
    const r = await svrun(['env', '--show-secrets', web]);
    expect(r.stdout).toContain('API_TOKEN=abc123  # from');
    expect(r.stdout).toContain('DATABASE_URL=postgres://app:pw@db/app  # from');
  });

  it('never prints a secret without --show-secrets, in text or JSON', async () => {
    const { web } = services();
    for (const args of [['env', web], ['env', '--json', web], ['env', '--all', web]]) {
      const r = await svrun(args);
      expect(r.stdout).not.toContain('abc123');
      expect(r.stdout).not.toContain(':pw@');
    }
  });

  it('prints JSON with value, origin and file per variable, null for an unset one', async () => {
    const { web } = services();
    const r = await svrun(['env', '--json', '.'], { cwd: web });
    expect(JSON.parse(r.stdout)).toEqual({
      API_TOKEN: { value: '****', from: 'dotenv', file: '.env', masked: true },
      CRLF: { value: 'x\r', from: 'envdir', file: 'env/CRLF' },
      DATABASE_URL: { value: 'postgres://app:****@db/app', from: 'dotenv', file: '../.env', masked: true },
      DEBUG: { value: null, from: 'envdir', file: 'env/DEBUG' },
      LOG_LEVEL: { value: 'debug', from: 'dotenv', file: '.env' },
      PORT: { value: '8080', from: 'envdir', file: 'env/PORT' },
    });
  });

  it('reads a plain env dir as just that dir', async () => {
    const { web } = services();
    const r = await svrun(['env', 'env'], { cwd: web });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('CRLF="x\\r"  # from env/CRLF\nunset DEBUG  # by env/DEBUG (empty file)\nPORT=8080  # from env/PORT');
  });

  it('lists inherited variables only with --all', async () => {
    const { web } = services();
    const env = { FROM_SHELL: 'yes', LOG_LEVEL: 'shell' };
    const plain = await svrun(['env', web], { env });
    expect(plain.stdout).not.toContain('FROM_SHELL');
    const all = await svrun(['env', '--all', web], { env });
    expect(all.stdout).toContain('FROM_SHELL=yes  # inherited\n');
    expect(all.stdout).toContain('LOG_LEVEL=debug  # from');
  });

  it('puts a header before each of several paths', async () => {
    const { web } = services();
    const r = await svrun(['env', web, join(web, 'env')]);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('# '))).toEqual([`# ${web} (service)`, `# ${join(web, 'env')} (env dir)`]);
  });

  it('fails with one line and exit 111 for a missing path', async () => {
    const dir = join(tempDir(), 'nope');
    const r = await svrun(['env', dir]);
    expect(r).toMatchObject({ exitCode: 111, stdout: '', stderr: `svrun env: fatal: unable to switch to directory: ${dir}: file does not exist` });
  });

  it('fails with one line naming an unreadable file, and prints no value, when run as nobody', async () => {
    const root = makeTree(tempDir(), { 'web/run': '', 'web/env/A': 'a\n', 'web/env/KEY': { content: 'k\n', mode: 0o000 } });
    chmodSync(root, 0o755);
    const r = await execa('/usr/bin/setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, SVRUN_FOR_ANYONE, 'env', join(root, 'web')], { reject: false });
    expect(r).toMatchObject({ exitCode: 111, stdout: '', stderr: `svrun env: fatal: unable to read ${join(root, 'web/env/KEY')}: access denied` });
  });
});

describe('svrun envdir', () => {
  it("passes PROG's options to PROG and exits with PROG's status", async () => {
    const dir = makeTree(tempDir(), { GREETING: 'hello\n' });
    const r = await svrun(['envdir', dir, 'sh', '-c', 'echo "$GREETING $*"; exit 7', 'sh', '--help', '-V']);
    expect(r).toMatchObject({ exitCode: 7, stdout: 'hello --help -V' });
  });

  it('exits 100 with a usage line when PROG is missing', async () => {
    const r = await svrun(['envdir', tempDir()]);
    expect(r.exitCode).toBe(100);
    expect(r.stderr).toMatch(/missing required argument 'prog'/);
  });

  it('exits 111 naming PROG when it cannot be run', async () => {
    const r = await svrun(['envdir', tempDir(), 'no-such-prog-xyz']);
    expect(r).toMatchObject({ exitCode: 111, stderr: 'svrun envdir: fatal: unable to run: no-such-prog-xyz: file does not exist' });
  });
});
