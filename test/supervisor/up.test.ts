// Tier 2: the real `svrun up` on temp service dirs, observed through its output, the files
// the services write, and supervise/.
import { existsSync, readFileSync, renameSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { script } from '../helpers/fs.js';
import { pollUntil, svrun } from '../helpers/proc.js';
import { alive, servicesDir, sv, svrunStatus, up, upReady } from './harness.js';

const forever = (before = '') => script(`${before}\nexec sleep 1000`);

describe('svrun up', () => {
  it('starts every service in its own dir with inherited < services .env < service .env < env/ applied', async () => {
    const dir = servicesDir({
      '.env': 'A=shared\nB=shared\nC=shared\n',
      'web/.env': 'B=own\nC=own\n',
      'web/env/C': 'envdir\n',
      'web/run': forever('echo "web: $A $B $C $INHERITED $(pwd)"'),
    });
    const u = up(dir, [], { INHERITED: 'inh' });
    await u.waitFor(`web | web: shared own envdir inh ${join(dir, 'web')}`);
  });

  it('restarts a service that exits, never sooner than 1s after its previous start', async () => {
    const dir = servicesDir({ 'crash/run': script('date +%s%N >> ../starts\nexit 3') });
    up(dir);
    const starts = await pollUntil(() => {
      const lines = existsSync(join(dir, 'starts')) ? readFileSync(join(dir, 'starts'), 'utf8').trim().split('\n') : [];
      return lines.length >= 3 ? lines.map((l) => Number(BigInt(l) / 1_000_000n)) : null;
    }, 15_000, 'three starts');
    // The stamps are taken by the service after sh has started, so each carries a few ms of
    // start-up jitter; without the rule the gap would be a few ms, not a second.
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(900);
    // the second quick death in a row doubles the delay
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(1900);
  });

  it('marks a crash-looping service failed after its limit, and sv up starts it again', async () => {
    const dir = servicesDir({ 'crash/run': script('exit 3'), 'crash/restart-fail-after': '2\n' });
    const u = up(dir);
    const failed = await u.waitEvent('failed', 'crash');
    expect(failed.msg).toMatch(/exited 2 times/);
    await pollUntil(() => svrunStatus(join(dir, 'crash')).failed === true, 5000, 'svrun.json to say failed');
    expect(svrunStatus(join(dir, 'crash')).reason).toMatch(/exited 2 times/);
    expect((await sv(['status', join(dir, 'crash')])).stdout).toMatch(/^down: .*crash: \d+s, normally up$/);
    await sv(['up', join(dir, 'crash')]);
    await u.waitEvent('started', 'crash', 3);
  });

  it("runs finish with run's exit code and status, and does not restart after finish exits 125", async () => {
    const dir = servicesDir({
      'svc/run': script('exit 7'),
      'svc/finish': script('echo "$@" > ../finish-args\nexit 125'),
    });
    const u = up(dir);
    await u.waitEvent('no-restart', 'svc');
    expect(readFileSync(join(dir, 'finish-args'), 'utf8')).toBe('7 0\n');
    expect((await sv(['status', join(dir, 'svc')])).stdout).toMatch(/^down: .*svc: \d+s, normally up$/);
    expect(u.events().filter((e) => e.event === 'started')).toHaveLength(1);
  });

  it('restarts a service when a file in its env/ changes, with the new value', async () => {
    const dir = servicesDir({ 'svc/env/GREETING': 'one\n', 'svc/run': forever('echo "greeting=$GREETING"') });
    const u = await upReady(dir);
    await u.waitFor('svc | greeting=one');
    writeFileSync(join(dir, 'svc/env/GREETING'), 'two\n');
    await u.waitFor('svc | greeting=two');
    await u.waitEvent('env-changed', 'svc');
  });

  it('keeps the running service and its old env when the new env cannot be read, and says why', async () => {
    const dir = servicesDir({ 'svc/env/GREETING': 'one\n', 'svc/run': forever('echo "greeting=$GREETING"') });
    const u = await upReady(dir);
    const started = await u.waitEvent('started', 'svc');
    // a .env that is a directory cannot be read (root reads any file, so no chmod trick)
    mkdirSync(join(dir, 'svc/.env'));
    const rejected = await u.waitEvent('env-rejected', 'svc');
    expect(rejected.msg).toMatch(/unable to read .*\/svc\/\.env: is a directory/);
    expect(u.events().filter((e) => e.event === 'started')).toHaveLength(1);
    expect(alive(started.pid as number)).toBe(true);
  });

  it('notices env/ replaced by a file of that name in one step, and keeps the old env', async () => {
    const dir = servicesDir({ 'svc/env/GREETING': 'one\n', 'svc/run': forever('echo "greeting=$GREETING"') });
    const u = await upReady(dir);
    const started = await u.waitEvent('started', 'svc');
    renameSync(join(dir, 'svc/env'), join(dir, 'old-env'));
    writeFileSync(join(dir, 'svc/env'), 'GREETING=two\n');
    const rejected = await u.waitEvent('env-rejected', 'svc');
    expect(rejected.msg).toMatch(/svc\/env/);
    expect(u.events().filter((e) => e.event === 'started')).toHaveLength(1);
    expect(alive(started.pid as number)).toBe(true);
  });

  it('stops every service on SIGTERM, leaving no process of theirs behind, and exits 0', async () => {
    const dir = servicesDir({
      // grandchildren: one in the background, one that ignores TERM
      'svc/run': script(`sleep 1000 &\necho $! >> ../pids\nsh -c 'trap "" TERM; echo $$ >> ../pids; exec sleep 1000' &\necho $$ >> ../pids\nwait`),
    });
    const u = up(dir);
    await u.waitEvent('started', 'svc');
    const pids = await pollUntil(() => {
      const p = existsSync(join(dir, 'pids')) ? readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').map(Number) : [];
      return p.length === 3 ? p : null;
    });
    for (const pid of pids) expect(alive(pid)).toBe(true);
    const r = await u.stop('SIGTERM');
    expect(r.exitCode).toBe(0);
    await pollUntil(() => pids.every((pid) => !alive(pid)), 5000, 'every process of the service to be gone');
  });

  it('lets the logger write its last lines before it stops', async () => {
    const dir = servicesDir({
      'svc/run': script(`trap 'echo goodbye; exit 0' TERM\necho hello\nwhile :; do sleep 1; done`),
      'svc/log/run': script('exec cat >> ../../log.txt'),
    });
    const u = up(dir);
    await pollUntil(() => existsSync(join(dir, 'log.txt')) && readFileSync(join(dir, 'log.txt'), 'utf8').includes('hello'));
    expect((await u.stop('SIGTERM')).exitCode).toBe(0);
    expect(readFileSync(join(dir, 'log.txt'), 'utf8')).toBe('hello\ngoodbye\n');
  });

  it('loses no line across restarts of the service and of its logger', async () => {
    const fixtures = join(import.meta.dirname, '..', 'fixtures');
    const dir = servicesDir({
      'svc/run': script(`exec node ${fixtures}/sv-counter.mjs ../count`),
      'svc/log/run': script(`exec node ${fixtures}/sv-logger.mjs ../../log.txt`),
    });
    const u = up(dir);
    const lines = () => (existsSync(join(dir, 'log.txt')) ? readFileSync(join(dir, 'log.txt'), 'utf8').split('\n').length - 1 : 0);
    for (let i = 0; i < 3; i++) {
      const before = lines();
      await pollUntil(() => lines() > before + 200, 15_000, 'progress');
      expect((await sv(['restart', join(dir, 'svc')])).exitCode).toBe(0);
      const mid = lines();
      await pollUntil(() => lines() > mid + 200, 15_000, 'progress');
      expect((await sv(['term', join(dir, 'svc/log')])).exitCode).toBe(0);
    }
    const last = lines();
    await pollUntil(() => lines() > last + 200, 15_000, 'progress');
    expect((await u.stop('SIGTERM')).exitCode).toBe(0);
    const got = readFileSync(join(dir, 'log.txt'), 'utf8').trim().split('\n');
    const total = Number(readFileSync(join(dir, 'count'), 'utf8'));
    expect(got).toHaveLength(total);
    expect(got).toEqual(Array.from({ length: total }, (_, i) => `line ${i + 1}`));
    expect(u.events().filter((e) => e.event === 'started' && e.service === 'svc')).toHaveLength(4);
    expect(u.events().filter((e) => e.event === 'started' && e.service === 'svc/log')).toHaveLength(4);
  });

  it('starts a service dir that appears and stops one that disappears', async () => {
    const dir = servicesDir({ 'a/run': forever() });
    const u = await upReady(dir);
    await u.waitEvent('started', 'a');
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b/run'), '#!/bin/sh\nexec sleep 1000\n', { mode: 0o755 });
    const b = await u.waitEvent('started', 'b');
    // moved out of sight (dot-names are skipped): removing it would race svrun's last status writes
    renameSync(join(dir, 'b'), join(dir, '.b-removed'));
    await u.waitEvent('removed', 'b');
    await pollUntil(() => !alive(b.pid as number), 5000, 'b to stop');
  });

  it('says which service has no usable run, and supervises the rest', async () => {
    const dir = servicesDir({
      'good/run': forever(),
      'norun/env/X': 'x\n',
      'noexec/run': { content: '#!/bin/sh\nexec sleep 1000\n', mode: 0o644 },
    });
    const u = up(dir);
    await u.waitEvent('started', 'good');
    await u.waitFor('norun: no run file');
    await u.waitFor('noexec: run is not executable (chmod +x run)');
  });

  it('follows a dangling supervise symlink, refuses a file named supervise, and supervises the rest', async () => {
    const dir = servicesDir({ 'linked/run': forever(), 'blocked/run': forever(), 'blocked/supervise': 'not a dir\n' });
    symlinkSync('../state/linked', join(dir, 'linked/supervise'));
    const u = up(dir);
    await u.waitEvent('started', 'linked');
    expect(readFileSync(join(dir, 'state/linked/stat'), 'utf8')).toBe('run\n');
    await u.waitFor(`${join(dir, 'blocked/supervise')} exists but is not a directory; remove it so svrun can create it`);
    expect(readFileSync(join(dir, 'blocked/supervise'), 'utf8')).toBe('not a dir\n');
  });

  it('starts a service only after what it needs is ready', async () => {
    const dir = servicesDir({
      'db/run': forever(),
      'db/check': script('test -f ../db-ready'),
      'web/run': forever(),
      'web/needs': 'db\n',
    });
    const u = up(dir);
    await u.waitEvent('waiting', 'web');
    await u.waitEvent('started', 'db');
    expect(u.events().some((e) => e.event === 'started' && e.service === 'web')).toBe(false);
    writeFileSync(join(dir, 'db-ready'), '');
    await u.waitEvent('ready', 'db');
    await u.waitEvent('started', 'web');
  });

  it('refuses to start a service whose needs do not exist', async () => {
    const dir = servicesDir({ 'web/run': forever(), 'web/needs': 'nowhere\n', 'other/run': forever() });
    const u = up(dir);
    const e = await u.waitEvent('needs', 'web');
    expect(e.msg).toBe('needs nowhere, which does not exist: not starting it');
    await u.waitEvent('started', 'other');
  });

  it('exits 111 with one line when the services dir does not exist', async () => {
    const r = await svrun(['up', '/nonexistent/services']);
    expect(r.exitCode).toBe(111);
    expect(r.stderr.trim().split('\n')).toEqual(['svrun: fatal: unable to open services dir /nonexistent/services: file does not exist (create it, or name another: svrun up DIR)']);
  });
});

describe('runit compatibility of supervise/', () => {
  it('lets Debian sv read status and control a service svrun supervises', async () => {
    const dir = servicesDir({ 'svc/run': forever(), 'svc/check': script('test -f ../up-ok') });
    const u = up(dir);
    await u.waitEvent('started', 'svc');
    const svc = join(dir, 'svc');
    expect((await sv(['status', svc])).stdout).toMatch(/^run: .*svc: \(pid \d+\) \d+s$/);
    expect((await sv(['pause', svc])).stdout).toBe('');
    // sv pause returns once the letter is in the FIFO, before the supervisor has read it (runsv
    // too): a busy svrun, just after bring-up, can answer a status asked at once with the old state
    await pollUntil(async () => /, paused$/.test((await sv(['status', svc])).stdout), 5000, 'paused');
    await sv(['cont', svc]);
    expect((await sv(['-w', '5', 'down', svc])).stdout).toMatch(/^ok: down: .*svc: \d+s, normally up$/);
    // sv's done test for once compares whole seconds, so it may say ok before the start shows.
    expect((await sv(['-w', '5', 'once', svc])).exitCode).toBe(0);
    await pollUntil(async () => /^run: .*svc: \(pid \d+\) \d+s, want down$/.test((await sv(['status', svc])).stdout), 5000, 'run, want down');
    await sv(['-w', '5', 'down', svc]);
    // sv start waits for ./check: it times out until check passes
    const early = await sv(['-w', '1', 'start', svc]);
    expect(early.stdout).toMatch(/^timeout: run: /);
    expect(early.exitCode).toBe(1);
    writeFileSync(join(dir, 'up-ok'), '');
    const start = await sv(['-w', '5', 'start', svc]);
    expect(start.stdout).toMatch(/^ok: run: .*svc: \(pid \d+\) \d+s$/);
    const before = Number(/pid (\d+)/.exec(start.stdout)![1]);
    const restart = await sv(['-w', '5', 'restart', svc]);
    expect(restart.stdout).toMatch(/^ok: run: /);
    expect(Number(/pid (\d+)/.exec(restart.stdout)![1])).not.toBe(before);
    const term = await sv(['term', svc]);
    expect(term.exitCode).toBe(0);
    await u.waitEvent('exited', 'svc', 3);
  });

  it('holds supervise/lock so that neither runsv nor a second svrun takes the service', async () => {
    const dir = servicesDir({ 'svc/run': forever() });
    const u = up(dir);
    await u.waitEvent('started', 'svc');
    const second = up(dir);
    await second.waitFor('svc: unable to lock supervise/lock: temporary failure');
    const { execa } = await import('execa');
    const runsv = await execa('runsv', [join(dir, 'svc')], { reject: false, timeout: 5000 });
    expect(runsv.exitCode).toBe(111);
    expect(runsv.stderr).toMatch(/unable to lock supervise\/lock: temporary failure/);
    await second.stop();
  });
});
