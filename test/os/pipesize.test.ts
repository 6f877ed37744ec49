// growPipe: a FIFO's pipe grows to PIPE_SIZE where this process may grow it, and keeps
// Linux's 64 KiB where it may not; the request never throws.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PIPE_SIZE, growPipe, mayGrowPipes, pipesGrown } from '../../src/os/pipesize.js';
import { tempDir } from '../helpers/fs.js';

const fds: number[] = [];
afterEach(() => {
  for (const fd of fds.splice(0)) closeSync(fd);
});

/** A FIFO held open at both ends; returns its read end. */
function fifo(): number {
  const path = join(tempDir(), 'p');
  execFileSync('mkfifo', [path]);
  const r = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  fds.push(r, openSync(path, constants.O_WRONLY));
  return r;
}

// F_GETPIPE_SZ (1032), asked by perl on the descriptor it inherits as 3
const pipeSize = (fd: number) => Number(spawnSync('perl', ['-e', 'open(my $fh, "<&=", 3) or die; print fcntl($fh, 1032, 0)'], {
  stdio: ['ignore', 'pipe', 'inherit', fd], encoding: 'utf8',
}).stdout);

describe('growPipe', () => {
  it('grows every pipe asked for in one tick when the process holds CAP_SYS_RESOURCE or CAP_SYS_ADMIN, else leaves them', async () => {
    const pipes = [fifo(), fifo(), fifo()];
    expect(pipes.map(pipeSize)).toEqual([65536, 65536, 65536]);
    for (const fd of pipes) growPipe(fd);
    await new Promise((r) => setImmediate(r));
    await pipesGrown();
    const want = mayGrowPipes() ? PIPE_SIZE : 65536;
    expect(pipes.map(pipeSize)).toEqual([want, want, want]);
  });

  it('tells which pipes it grew: grown is called for those that hold PIPE_SIZE now, for no other', async () => {
    const pipes = [fifo(), fifo()];
    const told: number[] = [];
    pipes.forEach((fd, i) => growPipe(fd, () => told.push(i)));
    await new Promise((r) => setImmediate(r));
    await pipesGrown();
    const grown = pipes.map((fd, i) => (pipeSize(fd) === PIPE_SIZE ? i : -1)).filter((i) => i >= 0);
    expect(told.sort()).toEqual(grown);
    expect(grown).toEqual(mayGrowPipes() ? [0, 1] : []);
  });

  it('agrees with the effective capabilities in /proc/self/status', async () => {
    const { readFileSync } = await import('node:fs');
    const eff = BigInt(`0x${/^CapEff:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'latin1'))![1]}`);
    expect(mayGrowPipes()).toBe(((eff >> 21n) & 1n) === 1n || ((eff >> 24n) & 1n) === 1n);
  });

  it('does not throw for a descriptor closed before the helper runs', async () => {
    const path = join(tempDir(), 'p');
    execFileSync('mkfifo', [path]);
    const r = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    growPipe(r);
    closeSync(r);
    await new Promise((res) => setImmediate(res));
    await expect(pipesGrown()).resolves.toBeUndefined();
  });
});
