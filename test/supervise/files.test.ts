import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SvrunError } from '../../src/errors.js';
import { SuperviseWriter, acquireLock, holdOk, openControl, prepareSuperviseDir, superviseFiles } from '../../src/supervise/files.js';
import { makeFifos } from '../../src/supervise/dir.js';
import { writeSupervise } from '../helpers/supervise.js';
import { decodeStatus, type StatusRecord } from '../../src/supervise/status.js';
import { makeTree, script, tempDir } from '../helpers/fs.js';
import { pollUntil } from '../helpers/proc.js';

const nowSec = () => Math.floor(Date.now() / 1000);

// A tiny supervisor made only of the supervise/ functions: it holds lock, ok and control,
// records every letter written, and lets the test rewrite the status record.
async function harness(rec: StatusRecord, onLetters?: (letters: string, h: { set(r: StatusRecord): void }) => void) {
  const svc = makeTree(tempDir(), { run: script('exit 0') });
  const sup = await prepareSuperviseDir(svc);
  const lock = await acquireLock(sup, 'svc');
  const ok = holdOk(sup);
  const set = (r: StatusRecord) => writeSupervise(sup, r);
  set(rec);
  const received: string[] = [];
  const control = openControl(sup, (letters) => {
    received.push(letters);
    onLetters?.(letters, { set });
  });
  onTestFinished(() => { control.close(); ok.close(); lock.release(); });
  return { svc, sup, received, lock };
}

const running: StatusRecord = { stamp: { sec: nowSec() + 1000, nsec: 0 }, pid: 4242, paused: false, want: 'u', term: false, state: 'run' };

describe('prepareSuperviseDir', () => {
  it('creates supervise/ with mode 0700 and FIFOs control and ok with mode 0600', async () => {
    const svc = tempDir();
    const sup = await prepareSuperviseDir(svc);
    expect(lstatSync(sup).mode & 0o777).toBe(0o700);
    for (const f of ['control', 'ok']) {
      const st = lstatSync(join(sup, f));
      expect(st.isFIFO()).toBe(true);
      expect(st.mode & 0o777).toBe(0o600);
    }
    await prepareSuperviseDir(svc); // again: existing FIFOs are kept
  });

  it('follows a dangling supervise symlink and creates its target', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'svc'));
    symlinkSync('../state/svc', join(root, 'svc/supervise'));
    await prepareSuperviseDir(join(root, 'svc'));
    expect(lstatSync(join(root, 'state/svc/ok')).isFIFO()).toBe(true);
  });

  it('refuses a regular file where the control FIFO belongs, naming it', async () => {
    const svc = makeTree(tempDir(), { 'supervise/control': 'not a fifo' });
    const err = await prepareSuperviseDir(svc).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SvrunError);
    expect((err as SvrunError).message).toMatch(/supervise\/control exists but is not a FIFO; remove it/);
  });
});

describe('makeFifos', () => {
  it('makes the FIFOs of one tick\'s requests in runs side by side, and fails only the request whose dir is missing', async () => {
    const dir = tempDir();
    const groups = Array.from({ length: 60 }, (_, g) => Array.from({ length: 4 }, (_, i) => join(dir, `f${g}-${i}`)));
    const bad = join(dir, 'missing', 'x');
    const results = await Promise.allSettled([...groups.map((p) => makeFifos(p)), makeFifos([bad])]);
    expect(results.slice(0, 60).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(groups.flat().every((p) => lstatSync(p).isFIFO())).toBe(true);
    const last = results[60]!;
    expect(last.status === 'rejected' && (last.reason as Error).message).toBe(`unable to create FIFO ${bad}: file does not exist`);
  });
});

// A writer on a fresh supervise/ dir, and the record its status file holds now.
async function freshWriter(): Promise<{ sup: string; w: SuperviseWriter }> {
  const sup = await prepareSuperviseDir(tempDir());
  return { sup, w: new SuperviseWriter(sup, () => {}) };
}
const onDisk = (sup: string) => decodeStatus(readFileSync(join(sup, 'status')));

describe('SuperviseWriter', () => {
  it('writes status, stat, pid and svrun.json and leaves no .new files', async () => {
    const sup = await prepareSuperviseDir(tempDir());
    const errors: string[] = [];
    const w = new SuperviseWriter(sup, (e) => errors.push(e.message));
    expect(w.started).toBe(false);
    w.write(superviseFiles({ ...running, term: true, want: 'd' }, { wantExit: true, extra: { failed: true, reason: 'crash loop' } }));
    await w.idle();
    expect(onDisk(sup)).toEqual({ ...running, term: true, want: 'd' });
    expect(readFileSync(join(sup, 'stat'), 'utf8')).toBe('run, got TERM, want exit\n');
    expect(readFileSync(join(sup, 'pid'), 'utf8')).toBe('4242\n');
    expect(JSON.parse(readFileSync(join(sup, 'svrun.json'), 'utf8'))).toEqual({ failed: true, reason: 'crash loop' });
    w.write(superviseFiles({ ...running, pid: 0, state: 'down' }));
    await w.idle();
    expect(readFileSync(join(sup, 'pid'), 'utf8')).toBe('');
    expect(readdirSync(sup).filter((n) => n.endsWith('.new'))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('ends on the last state queued, and runs each afterWrite once its state is on disk', async () => {
    const { sup, w } = await freshWriter();
    const seen: string[] = [];
    for (let pid = 1; pid <= 50; pid++) {
      w.write(superviseFiles({ ...running, pid }), true);
      w.afterWrite(() => seen.push(readFileSync(join(sup, 'pid'), 'utf8').trim()));
    }
    await w.idle();
    expect(onDisk(sup).pid).toBe(50);
    // every callback ran, in order, and none saw an older state than the one it waited for
    expect(seen).toHaveLength(50);
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => a - b));
    expect(seen.map(Number).every((pid, i) => pid >= i + 1)).toBe(true);
  });

  it('writes at once when nothing is in flight and the write is not deferred (sv reads right after a command)', async () => {
    const { sup, w } = await freshWriter();
    w.write(superviseFiles({ ...running, paused: true }));
    expect(onDisk(sup).paused).toBe(true);
    // while a deferred state is in flight, the next one queues behind it: renames stay in order
    w.write(superviseFiles({ ...running, pid: 7 }), true);
    w.write(superviseFiles({ ...running, pid: 8 }));
    await w.idle();
    expect(onDisk(sup).pid).toBe(8);
  });

  it('holds a deferred state back, and writes only the newer one when it comes first (a stop-all)', async () => {
    const { sup, w } = await freshWriter();
    w.write(superviseFiles({ ...running, pid: 1 }));
    w.hold(60_000);
    w.write(superviseFiles({ ...running, pid: 2, want: 'd' }), true);
    await new Promise((r) => setImmediate(r));
    expect(onDisk(sup).pid).toBe(1);
    // the newer state goes at once: idle() would wait out the hold (and time out) otherwise
    w.write(superviseFiles({ ...running, pid: 0, state: 'down', want: 'd' }), true);
    await w.idle();
    expect(onDisk(sup).state).toBe('down');
    expect(readFileSync(join(sup, 'pid'), 'utf8')).toBe('');
  });

  it('writes a held state once the hold ends when nothing newer comes', async () => {
    const { sup, w } = await freshWriter();
    w.hold(20);
    w.write(superviseFiles({ ...running, pid: 3 }), true);
    expect(existsSync(join(sup, 'status'))).toBe(false);
    await w.idle();
    expect(onDisk(sup).pid).toBe(3);
  });

  it('drops a held state for a newer one written at once (sv reads right after a command)', async () => {
    const { sup, w } = await freshWriter();
    w.hold(60_000);
    w.write(superviseFiles({ ...running, pid: 4 }), true);
    w.write(superviseFiles({ ...running, pid: 5 }));
    expect(onDisk(sup).pid).toBe(5);
    await w.idle();
    w.write(superviseFiles({ ...running, pid: 6 }), true);
    await w.idle();
    expect(onDisk(sup).pid).toBe(6);
  });

  it('forgets a hold when a write at once comes before any deferred one', async () => {
    const { sup, w } = await freshWriter();
    w.hold(60_000);
    w.write(superviseFiles({ ...running, pid: 7 }));
    w.write(superviseFiles({ ...running, pid: 8 }), true);
    await w.idle(); // would wait out the hold (and time out) if it were still armed
    expect(onDisk(sup).pid).toBe(8);
  });

  it('reports a state it cannot write and writes the next one', async () => {
    const dir = tempDir();
    const errors: string[] = [];
    const w = new SuperviseWriter(join(dir, 'missing'), (e) => errors.push(e.message));
    w.write(superviseFiles(running));
    await w.idle();
    expect(errors[0]).toMatch(/^unable to write .*missing\/(status|stat|pid): file does not exist$/);
    mkdirSync(join(dir, 'missing'));
    w.write(superviseFiles(running));
    await w.idle();
    expect(decodeStatus(readFileSync(join(dir, 'missing/status')))).toEqual(running);
  });
});

describe('acquireLock', () => {
  it('fails with LOCKED while another holder has the lock, and succeeds after release', async () => {
    const sup = await prepareSuperviseDir(tempDir());
    const first = await acquireLock(sup, 'web');
    const err = await acquireLock(sup, 'web').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SvrunError);
    expect((err as SvrunError).code).toBe('LOCKED');
    expect((err as SvrunError).message).toBe('web: unable to lock supervise/lock: temporary failure (another supervisor runs this service)');
    first.release();
    (await acquireLock(sup, 'web')).release();
  });

  it('makes real runsv refuse a service whose lock svrun holds', async () => {
    const { svc } = await harness(running);
    const r = await execa('runsv', [svc], { reject: false, timeout: 10_000 });
    expect(r.exitCode).toBe(111);
    expect(r.stderr).toBe(`runsv ${svc}: fatal: unable to lock supervise/lock: temporary failure`);
  });
});

describe("real sv against svrun's supervise files", () => {
  it('prints exactly the status line the record implies', async () => {
    const { svc } = await harness({ ...running, paused: true, term: true, want: 'd' });
    const r = await execa('sv', ['status', svc], { reject: false });
    expect(r.stdout).toBe(`run: ${svc}: (pid 4242) 0s, paused, want down, got TERM`);
    expect(r.exitCode).toBe(0);
  });

  it('prints the age of a down service in whole seconds', async () => {
    const { svc } = await harness({ ...running, stamp: { sec: nowSec() - 100, nsec: 0 }, pid: 0, state: 'down' });
    const r = await execa('sv', ['status', svc], { reject: false });
    expect(r.stdout).toMatch(new RegExp(`^down: ${svc}: 10[01]s, normally up, want up$`));
  });

  it('delivers u for sv up on a service that is wanted down', async () => {
    const { svc, received } = await harness({ ...running, pid: 0, state: 'down', want: 'd' });
    const r = await execa('sv', ['up', svc], { reject: false });
    expect(r.exitCode).toBe(0);
    await pollUntil(() => received.join('') === 'u', 5_000, 'the letter u');
  });

  it('delivers tcu for sv restart and reports ok once the record shows a new start', async () => {
    const { svc, received } = await harness({ ...running, stamp: { sec: nowSec() - 50, nsec: 0 } }, (letters, h) => {
      if (letters.endsWith('u')) h.set({ ...running, stamp: { sec: nowSec(), nsec: 0 }, pid: 5151 });
    });
    const r = await execa('sv', ['-w', '5', 'restart', svc], { reject: false });
    expect(received.join('')).toBe('tcu');
    // sv prints seconds from its last poll, which may straddle a second boundary
    expect(r.stdout).toMatch(new RegExp(`^ok: run: ${svc}: \\(pid 5151\\) [01]s$`));
    expect(r.exitCode).toBe(0);
  });

  it('makes sv report runsv not running once ok is no longer held', async () => {
    const svc = makeTree(tempDir(), { run: script('exit 0') });
    const sup = await prepareSuperviseDir(svc);
    writeSupervise(sup, running);
    const r = await execa('sv', ['status', svc], { reject: false });
    expect(r.stdout).toBe(`fail: ${svc}: runsv not running`);
    expect(r.exitCode).toBe(1);
  });
});
