// `svrun chpst` options on real processes, checked from inside the child via /proc, and
// against Debian's chpst where both can run the same command.
import { execa } from 'execa';
import { copyFileSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { getPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTree, script, tempDir } from '../helpers/fs.js';
import { pollUntil, start, startSvrun, svrun, SVRUN } from '../helpers/proc.js';

const STATUS_IDS = /^(Uid|Gid|Groups):.*$/gm;

async function realChpst(args: string[]) {
  return execa('/usr/bin/chpst', args, { reject: false });
}

describe('svrun chpst -u / -U', () => {
  it('runs as nobody with only its primary group, as chpst does', async () => {
    const ours = await svrun(['chpst', '-u', 'nobody', 'cat', '/proc/self/status']);
    const theirs = await realChpst(['-u', 'nobody', 'cat', '/proc/self/status']);
    expect(ours.exitCode).toBe(0);
    expect(ours.stdout.match(STATUS_IDS)).toEqual(['Uid:\t65534\t65534\t65534\t65534', 'Gid:\t65534\t65534\t65534\t65534', 'Groups:\t65534 ']);
    expect(ours.stdout.match(STATUS_IDS)).toEqual(theirs.stdout.match(STATUS_IDS));
  });

  it('sets the first group as gid and all named groups as supplementary groups', async () => {
    const ours = await svrun(['chpst', '-u', 'nobody:nogroup:daemon', 'cat', '/proc/self/status']);
    const theirs = await realChpst(['-u', 'nobody:nogroup:daemon', 'cat', '/proc/self/status']);
    expect(ours.stdout.match(STATUS_IDS)).toContain('Groups:\t1 65534 ');
    expect(ours.stdout.match(STATUS_IDS)).toEqual(theirs.stdout.match(STATUS_IDS));
  });

  it('only sets UID and GID in the environment for -U', async () => {
    const r = await svrun(['chpst', '-U', 'nobody:daemon', 'sh', '-c', 'echo "$UID $GID $(id -u)"']);
    expect(r.stdout).toBe('65534 1 0');
  });

  it('exits 111 naming an unknown user', async () => {
    const r = await svrun(['chpst', '-u', 'no-such-user', 'true']);
    expect(r.exitCode).toBe(111);
    expect(r.stderr).toBe('svrun chpst: fatal: unknown user/group: no-such-user');
  });
});

describe('svrun chpst -/', () => {
  // A root holding only sh and the libraries ldd names for it.
  async function minimalRoot(): Promise<string> {
    const root = tempDir();
    const copy = (path: string) => {
      mkdirSync(join(root, dirname(path)), { recursive: true });
      copyFileSync(realpathSync(path), join(root, path));
    };
    copy('/bin/sh');
    const ldd = await execa('ldd', ['/bin/sh']);
    for (const lib of ldd.stdout.match(/\/\S+/g) ?? []) copy(lib);
    makeTree(root, { 'marker-inside-root': 'x' });
    return root;
  }

  it('chroots into the dir and finds prog inside it', async () => {
    const root = await minimalRoot();
    const r = await svrun(['chpst', '-/', root, '/bin/sh', '-c', 'test -e /marker-inside-root && echo "inside $PWD"']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('inside /');
    expect(r.exitCode).toBe(0);
  });

  it('looks -u up in the new root, failing like chpst when it has no passwd file', async () => {
    const root = await minimalRoot();
    const r = await svrun(['chpst', '-/', root, '-u', 'nobody', '/bin/sh', '-c', 'true']);
    expect(r.exitCode).toBe(111);
    expect(r.stderr).toBe('svrun chpst: fatal: unable to get password/group file entry: file does not exist');
  });
});

describe('svrun chpst process state', () => {
  it('adds -n to the nice value prog runs with', async () => {
    const r = await svrun(['chpst', '-n', '5', 'sh', '-c', 'cut -d" " -f19 /proc/$$/stat']);
    expect(Number(r.stdout)).toBe(Math.min(19, getPriority() + 5));
  });

  it('runs prog as session and group leader with -P and not without', async () => {
    const cmd = 'echo "$$ $(cut -d" " -f6 /proc/$$/stat)"';
    const [pid, sid] = (await svrun(['chpst', '-P', 'sh', '-c', cmd])).stdout.split(' ');
    expect(sid).toBe(pid);
    const [pid2, sid2] = (await svrun(['chpst', 'sh', '-c', cmd])).stdout.split(' ');
    expect(sid2).not.toBe(pid2);
  });

  it('gives prog argv[0] from -b, with or without stacked tools', async () => {
    expect((await svrun(['chpst', '-b', 'my-name', 'sh', '-c', 'echo $0'])).stdout).toBe('my-name');
    expect((await svrun(['chpst', '-b', 'my-name', '-u', 'nobody', 'sh', '-c', 'echo "$0 $(id -u)"'])).stdout).toBe('my-name 65534');
  });

  it('closes stdin, stdout and stderr for -0, -1 and -2', async () => {
    const probe = (fd: number, to: string) => `[ -e /proc/$$/fd/${fd} ] && echo open${fd} ${to} || echo closed${fd} ${to}`;
    expect((await svrun(['chpst', '-0', 'sh', '-c', probe(0, '')])).stdout).toBe('closed0');
    expect((await svrun(['chpst', '-2', 'sh', '-c', probe(2, '')])).stdout).toBe('closed2');
    const one = await svrun(['chpst', '-1', 'sh', '-c', probe(1, '>&2')]);
    expect(one.stderr).toBe('closed1');
    expect((await svrun(['chpst', 'sh', '-c', probe(0, '')])).stdout).toBe('open0');
  });

  it('runs prog in the dir given with -C', async () => {
    const dir = realpathSync(tempDir());
    expect((await svrun(['chpst', '-C', dir, 'pwd'])).stdout).toBe(dir);
  });

  it('exits 111 naming a -C dir that does not exist', async () => {
    const r = await svrun(['chpst', '-C', '/no/such/dir', 'true']);
    expect(r.exitCode).toBe(111);
    expect(r.stderr).toBe('svrun chpst: fatal: unable to change directory: /no/such/dir: file does not exist');
  });

  it('sets the variables of the -e env dir', async () => {
    const dir = makeTree(tempDir(), { 'env/GREETING': 'hello\n' });
    expect((await svrun(['chpst', '-e', `${dir}/env`, 'sh', '-c', 'echo $GREETING'])).stdout).toBe('hello');
  });
});

describe('svrun chpst limits', () => {
  const limitRows = (text: string) => text.split('\n').filter((l) => !/realtime|pending|msgqueue|nice|locks/.test(l));

  it('sets the same soft limits as chpst for every limit option', async () => {
    const opts = ['-m', '300000000', '-d', '250000000', '-o', '64', '-p', '500', '-f', '1048576', '-c', '0', '-r', '300000000', '-t', '100'];
    const ours = await svrun(['chpst', ...opts, 'cat', '/proc/self/limits']);
    const theirs = await realChpst([...opts, 'cat', '/proc/self/limits']);
    expect(ours.exitCode).toBe(0);
    expect(ours.stdout).toMatch(/Max open files\s+64\s/);
    expect(limitRows(ours.stdout)).toEqual(limitRows(theirs.stdout));
  });

  it('clamps a limit above the hard limit to it, as chpst does', async () => {
    const opts = ['-o', '999999999', '-m', '999999999999999'];
    const ours = await svrun(['chpst', ...opts, 'cat', '/proc/self/limits']);
    const theirs = await realChpst([...opts, 'cat', '/proc/self/limits']);
    expect(ours.exitCode).toBe(0);
    expect(limitRows(ours.stdout)).toEqual(limitRows(theirs.stdout));
  });
});

describe('svrun chpst -l / -L', () => {
  it('makes a second -l holder wait until the first releases the lock', async () => {
    const lock = join(tempDir(), 'lock');
    const first = startSvrun(['chpst', '-l', lock, 'sh', '-c', 'echo first has it; read x; echo first done']);
    await first.waitFor('first has it');
    const second = startSvrun(['chpst', '-l', lock, 'sh', '-c', 'echo second has it']);
    // The kernel lists a blocked flock waiter with "->" against the lock file's inode.
    const ino = statSync(lock).ino;
    await pollUntil(() => readFileSync('/proc/locks', 'latin1').split('\n').some((l) => l.includes('->') && l.includes(`:${ino} `)), 15_000, 'second to block on the lock');
    expect(second.output()).toBe('');
    first.proc.stdin?.end('\n');
    await first.waitFor('first done');
    await second.waitFor('second has it');
    expect((await second.proc).exitCode).toBe(0);
    expect((await first.proc).exitCode).toBe(0);
  });

  it('fails at once with exit 111 and chpst message when -L finds the lock taken', async () => {
    const lock = join(tempDir(), 'lock');
    const holder = start(process.execPath, [SVRUN, 'chpst', '-L', lock, 'sh', '-c', 'echo holding; read x']);
    await holder.waitFor('holding');
    const r = await svrun(['chpst', '-L', lock, 'echo', 'should not run']);
    expect(r.exitCode).toBe(111);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`svrun chpst: fatal: unable to lock: ${lock}: temporary failure`);
    holder.proc.stdin?.end('\n');
    expect((await holder.proc).exitCode).toBe(0);
  });

  it('creates the lock file readable by its owner only', async () => {
    const lock = join(tempDir(), 'lock');
    expect((await svrun(['chpst', '-L', lock, 'true'])).exitCode).toBe(0);
    expect(statSync(lock).mode & 0o777).toBe(0o600);
  });
});

describe('svrun chpst usage', () => {
  it('exits 100 with one usage line for a non-numeric -n or limit', async () => {
    for (const args of [['-n', 'x'], ['-o', '12k']]) {
      const r = await svrun(['chpst', ...args, 'true']);
      expect(r.exitCode).toBe(100);
      expect(r.stderr).toMatch(/^svrun chpst: usage: -[no]: not a number: \S+ \(see svrun chpst --help\)$/);
    }
  });

  it('exits 100 for an option chpst does not have and for -V', async () => {
    const r = await svrun(['chpst', '-Z', 'true']);
    expect(r.exitCode).toBe(100);
    expect(r.stderr).toBe('svrun chpst: usage: illegal option -- Z (see svrun chpst --help)');
    expect((await svrun(['chpst', '-V', 'true'])).exitCode).toBe(100);
  });

  it('describes its options for --help and svrun help chpst', async () => {
    for (const args of [['chpst', '--help'], ['help', 'chpst']]) {
      const r = await svrun(args);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('-L file    take the lock or fail at once');
    }
  });

  it('leaves the options of prog to prog', async () => {
    const dir = makeTree(tempDir(), { args: script('echo "$@"') });
    expect((await svrun(['chpst', '-v', `${dir}/args`, '-u', 'x', '--help'])).stdout).toBe('-u x --help');
  });
});
