// Default capture on a full disk: svrun up and the service keep running, the trouble is
// reported once, the service blocks on its pipe meanwhile, and no line is lost or doubled.
import { execa } from 'execa';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { script } from '../helpers/fs.js';
import { pollUntil } from '../helpers/proc.js';
import { servicesDir, sv, upReady } from './harness.js';

const STAMP = /^\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d\.\d{5} /;

describe('default capture on a full disk', () => {
  it('keeps svrun and the service running, reports once, and writes every line once space returns', async () => {
    const dir = servicesDir({
      'svc/run': script('seq 1 3000\necho done\nexec sleep 1000'),
      'svc/log/.keep': '',
    });
    const disk = join(dir, 'svc/log/main');
    mkdirSync(disk);
    // a 256 KiB tmpfs as the capture dir, nearly full; unmounted after the test (we run as root)
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', disk]);
    onTestFinished(async () => void (await execa('umount', ['-l', disk], { reject: false })));
    writeFileSync(join(disk, 'config'), 's0\n');
    writeFileSync(join(disk, 'filler'), Buffer.alloc(236 * 1024));
    const u = await upReady(dir);
    await u.waitFor(/unable to write to .*current: out of disk space; retrying/);
    expect((await sv(['status', join(dir, 'svc')])).stdout).toMatch(/^run: /);
    unlinkSync(join(disk, 'filler'));
    await u.waitFor(/able to write to .*current again/);
    const text = await pollUntil(() => {
      const t = readFileSync(join(disk, 'current'), 'utf8');
      return t.includes(' done\n') ? t : null;
    }, 20_000, 'every line in current');
    const lines = text.split('\n').filter(Boolean).map((l) => l.replace(STAMP, ''));
    expect(lines).toEqual([...Array.from({ length: 3000 }, (_, i) => String(i + 1)), 'done']);
    expect(u.output().match(/out of disk space; retrying/g)).toHaveLength(1);
    expect(u.events().filter((e) => e.event === 'started' && e.service === 'svc')).toHaveLength(1);
    await u.stop();
  });
});
