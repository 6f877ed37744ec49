// Scaled services: N instances of one service dir, foreman style, each addressable.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { script } from '../helpers/fs.js';
import { svrun } from '../helpers/proc.js';
import { servicesDir, sv, upReady } from './harness.js';

const service = { 'web/run': script('echo "port=$PORT instance=$SVRUN_INSTANCE"\nexec sleep 1000'), 'web/env/PORT': '7100\n' };

describe('svrun up --scale', () => {
  it('runs N instances of a service on consecutive ports from its PORT, each named NAME.N', async () => {
    const dir = servicesDir(service);
    const u = await upReady(dir, ['--scale', 'web=3']);
    await u.waitFor('web.1 | port=7100 instance=1');
    await u.waitFor('web.2 | port=7101 instance=2');
    await u.waitFor('web.3 | port=7102 instance=3');
  });

  it('lists, reports and controls each instance, with svrun and with Debian sv', async () => {
    const dir = servicesDir(service);
    const u = await upReady(dir, ['--scale', 'web=2']);
    await u.waitEvent('started', 'web.2');
    const list = await svrun(['status', '-d', dir]);
    expect(list.stdout.split('\n').filter(Boolean).map((l) => l.replace(/\(pid \d+\) \d+s/, '(pid N) Ns'))).toEqual([
      'run: web: (pid N) Ns',
      'run: web.2: (pid N) Ns',
    ]);
    expect((await svrun(['down', '-w', '5', '-d', dir, 'web.2'])).stdout).toMatch(/^ok: down: web\.2: \d+s, normally up$/);
    expect((await sv(['status', join(dir, 'web/instances/2')])).stdout).toMatch(/^down: .*instances\/2: \d+s, normally up$/);
    expect((await sv(['status', join(dir, 'web')])).stdout).toMatch(/^run: /);
    expect((await svrun(['up', '-w', '5', '-d', dir, 'web.2'])).stdout).toMatch(/^ok: run: web\.2: /);
  });

  it('takes the instance count from a scale file, and follows it when it changes', async () => {
    const dir = servicesDir({ ...service, 'web/scale': '2\n' });
    const u = await upReady(dir);
    await u.waitEvent('started', 'web.2');
    writeFileSync(join(dir, 'web/scale'), '1\n');
    await u.waitEvent('removed', 'web.2');
    await u.waitEvent('exited', 'web.2');
  });

  it('rejects a malformed --scale with one usage line', async () => {
    const r = await svrun(['up', servicesDir(service), '--scale', 'web']);
    expect(r.exitCode).toBe(100);
    expect(r.stderr.trim()).toBe('svrun: usage: --scale web: expected NAME=COUNT, e.g. --scale web=3');
  });
});
