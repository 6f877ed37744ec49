// LogWriter's close: current is synced and marked clean (0744) when it has something to keep;
// an empty current is left as it is, without a sync (a stop-all of quiet services). And what a
// full disk holds back is its own, though writers frame in shared memory.
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LogWriter } from '../../src/log/writer.js';
import { tempDir } from '../helpers/fs.js';
import { SVRUN } from '../helpers/proc.js';

const mode = (f: string) => statSync(f).mode & 0o777;

describe('LogWriter lock', () => {
  it('makes and locks DIR/lock by default, and makes no lock file without locking (svrun capture)', async () => {
    const locked = tempDir();
    const w1 = new LogWriter(locked);
    await w1.open();
    expect(spawnSync('flock', ['-n', join(locked, 'lock'), 'true']).status).toBe(1);
    await w1.close();
    const unlocked = tempDir();
    const w2 = new LogWriter(unlocked, { lock: false });
    await w2.open();
    expect(existsSync(join(unlocked, 'lock'))).toBe(false);
    await w2.close();
  });
});

describe('LogWriter close', () => {
  it('marks a current with lines clean (0744) and leaves an empty one at 0644', async () => {
    const quiet = tempDir();
    const w1 = new LogWriter(quiet, { lock: false });
    await w1.open();
    await w1.close();
    expect(statSync(join(quiet, 'current')).size).toBe(0);
    expect(mode(join(quiet, 'current'))).toBe(0o644);

    const busy = tempDir();
    const w2 = new LogWriter(busy, { lock: false });
    await w2.open();
    w2.write('one\n');
    await w2.close();
    expect(readFileSync(join(busy, 'current'), 'utf8')).toBe('one\n');
    expect(mode(join(busy, 'current'))).toBe(0o744);

    // reopened without new lines, it is marked clean again (open made it 0644: in use)
    const w3 = new LogWriter(busy, { lock: false });
    await w3.open();
    expect(mode(join(busy, 'current'))).toBe(0o644);
    await w3.close();
    expect(mode(join(busy, 'current'))).toBe(0o744);
  });

  it('syncs current at exit only when lines came (strace counts the fsync calls of svrun log)', () => {
    const fsyncs = (input: string) => {
      const dir = tempDir();
      const trace = join(tempDir(), 'trace');
      const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=fsync', '-o', trace, process.execPath, SVRUN, 'log', dir], { input, encoding: 'utf8' });
      expect(r.status).toBe(0);
      return readFileSync(trace, 'utf8').split('\n').filter((l) => /\bfsync\(/.test(l)).length;
    };
    expect(fsyncs('')).toBe(0);
    expect(fsyncs('a line\n')).toBe(1);
  });
});

describe('LogWriter on a full disk beside another writer', () => {
  it('keeps its own bytes while the disk refuses them, though every writer frames in the same memory', async () => {
    const disk = tempDir('svrun-full-');
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk]);
    onTestFinished(() => execa('umount', [disk], { reject: false }).then(() => undefined));
    writeFileSync(join(disk, 'filler'), Buffer.alloc(40 * 1024));
    const warnings: string[] = [];
    const a = new LogWriter(disk, { lock: false, stamp: 2, warn: (m) => warnings.push(m) });
    await a.open();
    const mine = Array.from({ length: 400 }, (_, i) => `a ${String(i).padStart(4, '0')} ${'x'.repeat(60)}\n`).join('');
    expect(a.write(mine)).toBe(false); // about 38 KiB framed, some 24 KiB fit
    const b = new LogWriter(tempDir(), { lock: false, stamp: 2 });
    await b.open();
    for (let i = 0; i < 50; i++) b.write(`b ${'y'.repeat(98)}\n`.repeat(300));
    await b.close();
    unlinkSync(join(disk, 'filler'));
    await new Promise((resolve) => a.once('drain', resolve));
    await a.close();
    expect(warnings.join('\n')).toMatch(/out of disk space/);
    const got = readFileSync(join(disk, 'current'), 'latin1').split('\n');
    expect(got.pop()).toBe('');
    expect(got.map((l) => l.slice(26)).join('\n') + '\n').toBe(mine);
  });
});
