// Per-service settings files and the ways svrun up is stopped.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { script } from '../helpers/fs.js';
import { alive, servicesDir, sv, upReady } from './harness.js';

const ignoresTerm = script(`trap 'echo got-term' TERM\necho ready\nwhile :; do sleep 1; done`);

describe('per-service settings', () => {
  it('stops a service with the signal named in down-signal', async () => {
    const dir = servicesDir({ 'svc/run': script(`trap 'echo got-usr1; exit 0' USR1\necho ready\nwhile :; do sleep 1; done`), 'svc/down-signal': 'USR1\n' });
    const u = await upReady(dir);
    await u.waitFor('svc | ready');
    await sv(['down', join(dir, 'svc')]);
    await u.waitFor('svc | got-usr1');
  });

  it('SIGKILLs a service that ignores the down signal once timeout-kill has passed', async () => {
    const dir = servicesDir({ 'svc/run': ignoresTerm, 'svc/timeout-kill': '300\n' });
    const u = await upReady(dir);
    await u.waitFor('svc | ready');
    await sv(['down', join(dir, 'svc')]);
    await u.waitFor('svc | got-term');
    const kill = await u.waitEvent('kill', 'svc');
    expect(kill.msg).toBe('did not stop within 300 ms: sending SIGKILL');
    const exited = await u.waitEvent('exited', 'svc');
    expect(exited.signal).toBe('SIGKILL');
  });

  it('does not restart a service whose env changes when it has a no-env-reload file', async () => {
    const dir = servicesDir({ 'svc/run': script('echo "v=$V"\nexec sleep 1000'), 'svc/env/V': 'one\n', 'svc/no-env-reload': '' });
    const u = await upReady(dir);
    await u.waitFor('svc | v=one');
    writeFileSync(join(dir, 'svc/env/V'), 'two\n');
    const e = await u.waitEvent('env-changed', 'svc');
    expect(e.msg).toMatch(/applies at the next start/);
    expect(u.events().filter((x) => x.event === 'started')).toHaveLength(1);
    await sv(['-w', '5', 'restart', join(dir, 'svc')]);
    await u.waitFor('svc | v=two');
  });
});

describe('stopping svrun up', () => {
  it('stops every service on SIGHUP and exits 0', async () => {
    const dir = servicesDir({ 'a/run': script('exec sleep 1000'), 'b/run': script('exec sleep 1000') });
    const u = await upReady(dir);
    const a = await u.waitEvent('started', 'a');
    const r = await u.stop('SIGHUP');
    expect(r.exitCode).toBe(0);
    expect(alive(a.pid as number)).toBe(false);
  });

  it('kills everything at once on a second SIGINT', async () => {
    const dir = servicesDir({ 'svc/run': ignoresTerm });
    const u = await upReady(dir);
    const started = await u.waitEvent('started', 'svc');
    await u.waitFor('svc | ready');
    process.kill(u.pid, 'SIGINT');
    await u.waitFor('svc | got-term');
    const r = await u.stop('SIGINT');
    expect(r.exitCode).toBe(0);
    expect(u.events().some((e) => e.event === 'force-stop')).toBe(true);
    expect(alive(started.pid as number)).toBe(false);
  });
});
