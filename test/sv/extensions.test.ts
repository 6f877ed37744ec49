// svrun's additions to sv: listing a services dir, JSON status, the failed reason, -d DIR,
// and one-line usage errors for bad wait settings.
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { holdOk, prepareSuperviseDir } from '../../src/supervise/files.js';
import { writeSupervise } from '../helpers/supervise.js';
import type { StatusRecord } from '../../src/supervise/status.js';
import { makeTree, script, tempDir } from '../helpers/fs.js';
import { svrun } from '../helpers/proc.js';

const future = Math.floor(Date.now() / 1000) + 1000; // sv clamps to 0s: exact output
const running: StatusRecord = { stamp: { sec: future, nsec: 0 }, pid: 4242, paused: false, want: 'u', term: false, state: 'run' };

// A service dir that looks supervised: status written and ok held open by this test.
async function supervisedDir(dir: string, rec: StatusRecord, extra?: object): Promise<void> {
  const sup = await prepareSuperviseDir(dir);
  writeSupervise(sup, rec, { extra });
  const ok = holdOk(sup);
  onTestFinished(() => ok.close());
}

describe('svrun status extensions', () => {
  it('lists every service of -d DIR, sorted, skipping dot-names and plain files', async () => {
    const root = makeTree(tempDir(), { 'b/run': script('exit 0'), 'a/run': script('exit 0'), '.hidden/run': script('exit 0'), notes: 'x' });
    await supervisedDir(join(root, 'a'), running);
    const r = await svrun(['status', '-d', root]);
    expect(r.stdout).toBe('run: a: (pid 4242) 0s\nwarning: b: unable to open supervise/ok: file does not exist');
    expect(r.exitCode).toBe(1);
  });

  it('lists SVDIR when no -d is given, and ./services when neither is set', async () => {
    const root = makeTree(tempDir(), { 'services/web/run': script('exit 0') });
    await supervisedDir(join(root, 'services/web'), { ...running, pid: 0, state: 'down' });
    expect((await svrun(['status'], { cwd: root, env: { SVDIR: join(root, 'services') } })).stdout).toBe('down: web: 0s, normally up, want up');
    const r = await svrun(['status'], { cwd: root, env: { SVDIR: '' } });
    expect(r.stdout).toBe('down: web: 0s, normally up, want up');
  });

  it('fails with one line when the services dir is missing', async () => {
    const r = await svrun(['status', '-d', '/nonexistent/services']);
    expect(r.exitCode).toBe(111);
    expect(r.stderr).toBe('svrun: fatal: unable to read services directory /nonexistent/services: file does not exist; pass -d DIR or set SVDIR');
  });

  it('resolves names in -d DIR over SVDIR', async () => {
    const root = makeTree(tempDir(), { 'web/run': script('exit 0') });
    await supervisedDir(join(root, 'web'), running);
    const r = await svrun(['status', '-d', root, 'web'], { env: { SVDIR: '/nonexistent' } });
    expect(r.stdout).toBe('run: web: (pid 4242) 0s');
  });

  it('appends the failed reason svrun recorded to the status line', async () => {
    const root = makeTree(tempDir(), { 'api/run': script('exit 0') });
    await supervisedDir(join(root, 'api'), { ...running, pid: 0, state: 'down' }, { failed: true, reason: 'exited 3 five times in 10s' });
    const r = await svrun(['status', '-d', root, 'api']);
    expect(r.stdout).toBe('down: api: 0s, normally up, want up, failed: exited 3 five times in 10s');
  });

  it('prints JSON with runit state, log state, svrun.json fields, and errors per service', async () => {
    const root = makeTree(tempDir(), { 'web/run': script('exit 0'), 'web/log/run': script('exit 0'), 'web/down': '', 'old/run': script('exit 0') });
    await supervisedDir(join(root, 'web'), { ...running, paused: true }, { ready: true, restarts: 2 });
    await supervisedDir(join(root, 'web/log'), { ...running, pid: 77 });
    const r = await svrun(['status', '--json', '-d', root]);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      { name: 'old', error: 'unable to open supervise/ok: file does not exist' },
      {
        name: 'web', state: 'run', pid: 4242, seconds: 0, want: 'up', paused: true, term: false, normallyUp: false, ready: true, restarts: 2,
        log: { state: 'run', pid: 77, seconds: 0, want: 'up', paused: false, term: false, normallyUp: true },
      },
    ]);
  });

  it('rejects a -w or SVWAIT that is not a number of seconds with one line and exit 100', async () => {
    const w = await svrun(['down', '-w', 'soon', 'x']);
    expect([w.exitCode, w.stderr]).toEqual([100, 'svrun: usage: -w: not a whole number of seconds: soon; give e.g. -w 10']);
    const env = await svrun(['down', 'x'], { env: { SVWAIT: '7s' } });
    expect([env.exitCode, env.stderr]).toEqual([100, 'svrun: usage: SVWAIT: not a whole number of seconds: 7s; give e.g. SVWAIT=10']);
  });
});
