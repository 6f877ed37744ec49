// A full log filesystem: svrun log keeps running, reports once, and writes what it held when space returns.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startSvrun } from '../helpers/proc.js';

// A 64 KiB tmpfs, unmounted after the test (we run as root).
async function smallDisk(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'svrun-full-'));
  await execa('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  onTestFinished(async () => {
    await execa('umount', [dir], { reject: false });
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

describe('svrun log on a full disk', () => {
  it('keeps running, warns once, and resumes without losing buffered lines when space is freed', async () => {
    const disk = await smallDisk();
    const dir = join(disk, 'log');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config'), 's0\n');
    writeFileSync(join(disk, 'filler'), Buffer.alloc(40 * 1024));
    const log = startSvrun(['log', dir], { stdin: 'pipe' });
    const lines = Array.from({ length: 400 }, (_, i) => `line ${String(i).padStart(4, '0')} ${'x'.repeat(68)}\n`).join('');
    log.proc.stdin!.write(lines); // 32 000 bytes; only ~24 KiB fit
    await log.waitFor(/unable to write to .*current: out of disk space; retrying/);
    expect(log.proc.exitCode).toBeNull();
    unlinkSync(join(disk, 'filler'));
    await log.waitFor(/able to write to .*current again/);
    log.proc.stdin!.end();
    expect((await log.stop('SIGCONT')).exitCode).toBe(0);
    expect(readFileSync(join(dir, 'current'), 'latin1')).toBe(lines);
    expect(log.output().match(/out of disk space; retrying/g)).toHaveLength(1);
  });

  it('on TERM with the disk still full gives up after a bounded time, reports the unwritten bytes, exits 111', async () => {
    const disk = await smallDisk();
    const dir = join(disk, 'log');
    mkdirSync(dir);
    writeFileSync(join(disk, 'filler'), Buffer.alloc(56 * 1024));
    const log = startSvrun(['log', dir], { stdin: 'pipe' });
    log.proc.stdin!.write(`${'y'.repeat(99)}\n`.repeat(200));
    await log.waitFor(/out of disk space; retrying/);
    const r = await log.stop('SIGTERM');
    expect(r.exitCode).toBe(111);
    expect(log.output()).toMatch(/svrun log: fatal: unable to write \d+ bytes to .*current: out of disk space; gave up/);
  });
});
