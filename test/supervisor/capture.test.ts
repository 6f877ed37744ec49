// Default capture: services without log/run get their output in svlogd-format files.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { script } from '../helpers/fs.js';
import { pollUntil } from '../helpers/proc.js';
import { PIPE_SIZE, mayGrowPipes } from '../../src/os/pipesize.js';
import { servicesDir, up, upReady } from './harness.js';

const STAMP = /^\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d\.\d{5} /;

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

// Rotated files (oldest first: their names are TAI64N stamps), then current.
function allLines(dir: string): string[] {
  const rotated = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('@')).sort() : [];
  return [...rotated, 'current'].flatMap((f) => lines(join(dir, f)));
}

// The capacity of the pipe behind a FIFO svrun holds open (F_GETPIPE_SZ, asked by perl).
function pipeSize(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const r = spawnSync('perl', ['-e', 'open(my $fh, "<&=", 3) or die; print fcntl($fh, 1032, 0)'], { stdio: ['ignore', 'pipe', 'inherit', fd], encoding: 'utf8' });
    return Number(r.stdout);
  } finally {
    closeSync(fd);
  }
}

describe('default capture', () => {
  it('grows the pipes it reads to 1 MiB where the kernel lets it without a per-user budget (out, err and log pipes)', async () => {
    const dir = servicesDir({
      'a/run': script('exec sleep 1000'),
      'b/run': script('exec sleep 1000'), 'b/log/run': script('exec cat > /dev/null'),
    });
    const u = await upReady(dir);
    const want = mayGrowPipes() ? PIPE_SIZE : 65536;
    const fifos = ['a/supervise/out.pipe', 'a/supervise/err.pipe', 'b/supervise/log.pipe'].map((f) => join(dir, f));
    await pollUntil(() => fifos.every((f) => pipeSize(f) === want) || null, 10_000, `pipes of ${want} bytes`);
    await u.stop();
  });

  it('writes stdout and stderr to supervise/log/current, timestamped, stderr lines marked', async () => {
    const dir = servicesDir({ 'svc/run': script('echo hello\necho oops >&2\nexec sleep 1000') });
    const u = await upReady(dir);
    const file = join(dir, 'svc/supervise/log/current');
    const got = await pollUntil(() => (lines(file).length >= 2 ? lines(file) : null), 10_000, 'two captured lines');
    for (const l of got) expect(l).toMatch(STAMP);
    expect(got.map((l) => l.replace(STAMP, '')).sort()).toEqual(['hello', 'stderr: oops']);
    expect(existsSync(join(dir, 'svc/log'))).toBe(false);
    await u.stop();
  });

  it('captures what a service writes by opening /dev/stdout and /dev/stderr (nginx-style configs)', async () => {
    // a socketpair, as spawn's 'pipe' makes, cannot be opened through /proc/self/fd (ENXIO)
    const dir = servicesDir({ 'svc/run': script('echo via-path > /dev/stdout\necho err-path > /dev/stderr\nexec sleep 1000') });
    const u = await upReady(dir);
    const file = join(dir, 'svc/supervise/log/current');
    const got = await pollUntil(() => (lines(file).length >= 2 ? lines(file) : null), 10_000, 'two captured lines');
    expect(got.map((l) => l.replace(STAMP, '')).sort()).toEqual(['stderr: err-path', 'via-path']);
    await u.stop();
  });

  it('writes to log/main/current when the service has a log/ dir without run', async () => {
    const dir = servicesDir({ 'svc/run': script('echo hello\nexec sleep 1000'), 'svc/log/config': 's4096\n' });
    const u = await upReady(dir);
    const file = join(dir, 'svc/log/main/current');
    await pollUntil(() => lines(file).some((l) => l.endsWith(' hello')), 10_000, 'the captured line');
    await u.stop();
  });

  it('keeps every line a service wrote before it exited, across restarts and rotations', async () => {
    const dir = servicesDir({ 'svc/run': script('seq 1 20000\nexit 1') });
    const u = await upReady(dir);
    await u.waitEvent('exited', 'svc', 2);
    const logDir = join(dir, 'svc/supervise/log');
    const got = await pollUntil(() => {
      const l = allLines(logDir).map((x) => x.replace(STAMP, ''));
      return l.length >= 40_000 ? l : null;
    }, 15_000, '40000 lines');
    expect(got.slice(0, 40_000)).toEqual([...Array.from({ length: 20_000 }, (_, i) => String(i + 1)), ...Array.from({ length: 20_000 }, (_, i) => String(i + 1))]);
  });

  it('has a run\'s lines on disk when it reports the exit, a final partial line ended there', async () => {
    const dir = servicesDir({ 'svc/run': script("printf 'one\\ntwo'\nprintf 'err' >&2\nexit 1") });
    const u = await upReady(dir);
    await u.waitEvent('exited', 'svc', 2);
    // read at once: svrun drains the pipes before it reports the exit
    const got = lines(join(dir, 'svc/supervise/log/current')).map((l) => l.replace(STAMP, ''));
    expect(got.filter((l) => l !== 'stderr: err')).toEqual(['one', 'two', 'one', 'two']);
    expect(got.filter((l) => l === 'stderr: err')).toHaveLength(2);
    await u.stop();
  });

  it('keeps each service\'s lines whole while many flood at once (they share svrun\'s read buffer)', async () => {
    // lines of 1 to 300 bytes, so chunks end mid-line everywhere
    const flood = (name: string) => script(`awk 'BEGIN { p = sprintf("%300s", ""); for (i = 1; i <= 30000; i++) printf "${name} %d %s\\n", i, substr(p, 1, i % 300) }'\nawk 'BEGIN { for (i = 1; i <= 3000; i++) printf "${name} err %d\\n", i > "/dev/stderr" }'\nexec sleep 1000`);
    const names = ['a', 'b', 'c'];
    const dir = servicesDir(Object.fromEntries(names.map((n) => [`${n}/run`, flood(n)])));
    // not upReady: under load its 'up' line can wait long behind the floods' own disk work
    const u = up(dir);
    for (const n of names) {
      const logDir = join(dir, n, 'supervise/log');
      const got = await pollUntil(() => {
        const l = allLines(logDir).map((x) => x.replace(STAMP, ''));
        return l.length >= 33_000 ? l : null;
      }, 20_000, `33000 lines of ${n}`);
      expect(got.filter((l) => !l.startsWith('stderr: '))).toEqual(Array.from({ length: 30_000 }, (_, k) => `${n} ${k + 1} ${' '.repeat((k + 1) % 300)}`));
      expect(got.filter((l) => l.startsWith('stderr: '))).toEqual(Array.from({ length: 3000 }, (_, k) => `stderr: ${n} err ${k + 1}`));
    }
    await u.stop();
  });
});
