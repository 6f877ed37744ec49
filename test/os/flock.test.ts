// flockFd: real flock(2) locks through the helper, with perl and with sh + flock(1) only.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flockFd } from '../../src/os/flock.js';
import { tempDir } from '../helpers/fs.js';

const fds: number[] = [];
const open = (path: string) => {
  const fd = openSync(path, 'a');
  fds.push(fd);
  return fd;
};
afterEach(() => {
  for (const fd of fds.splice(0)) closeSync(fd);
});

// Whether another process can take the lock on path right now (util-linux flock, exit 1 = held).
const heldElsewhere = (path: string) => spawnSync('flock', ['-n', path, 'true']).status === 1;

/** Runs fn with PATH holding only the named commands (symlinks to the real ones). */
async function withOnly<T>(commands: string[], fn: () => Promise<T>): Promise<T> {
  const bin = tempDir();
  for (const c of commands) symlinkSync(execFileSync('sh', ['-c', `command -v ${c}`], { encoding: 'utf8' }).trim(), join(bin, c));
  const saved = process.env.PATH;
  process.env.PATH = bin;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

describe('flockFd', () => {
  it.each([
    ['perl', ['sh', 'perl']],
    ['sh and flock(1)', ['sh', 'flock']],
  ])('with %s: locks many descriptors at once, reports a lock held elsewhere, and the locks outlive the helper', async (_, commands) => {
    const dir = tempDir();
    const paths = Array.from({ length: 5 }, (_, i) => join(dir, `lock${i}`));
    const mine = paths.map(open);
    const again = open(paths[0]!); // a second open file description: flock(2) says no to it
    const got = await withOnly(commands, () => Promise.all([...mine.map((fd, i) => flockFd(fd, paths[i]!)), flockFd(again, paths[0]!)]));
    // the batch runs in order: the first request for lock0 wins
    expect(got).toEqual([true, true, true, true, true, false]);
    for (const p of paths) expect(heldElsewhere(p)).toBe(true);
    closeSync(mine[1]!);
    fds.splice(fds.indexOf(mine[1]!), 1);
    expect(heldElsewhere(paths[1]!)).toBe(false);
  });

  it('says which tool is missing when there is neither perl nor flock', async () => {
    const path = join(tempDir(), 'lock');
    const fd = open(path);
    await expect(withOnly(['sh'], () => flockFd(fd, path))).rejects.toThrow(`unable to lock ${path}: unable to run flock (util-linux): file does not exist`);
  });
});
