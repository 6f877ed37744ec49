// Differential tests: Debian's sv and svrun's sv commands, run with the same arguments on
// two identical service dirs under two real runsv processes, must print the same stdout
// (pids and seconds normalised) and exit with the same code.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { makeTree, script, tempDir, type TreeEntry } from '../helpers/fs.js';
import { pollUntil, svrun } from '../helpers/proc.js';
import { runSv } from '../../src/sv/run.js';
import { readStat, startRunsv, writeControl } from '../supervise/runsv.js';

const FOREVER = script('exec sleep 1000');
const IGNORES_TERM = script("trap '' TERM\nexec sleep 1000");

interface Pair { a: string; b: string }

// Two roots holding the same tree; runsv supervises ROOT/svc in each unless told not to.
async function pair(tree: Record<string, TreeEntry>, opts: { supervise?: boolean } = {}): Promise<Pair> {
  const a = makeTree(tempDir(), tree);
  const b = makeTree(tempDir(), tree);
  if (opts.supervise !== false) {
    await Promise.all([startRunsv(join(a, 'svc')), startRunsv(join(b, 'svc'))]);
    // runsv writes a first "down, want up" before it has started run (and log/run): a status
    // read then would compare that moment in one dir with a running service in the other
    const settled: Array<[string, string]> = [['svc', 'svc/down' in tree ? 'down\n' : 'run\n']];
    if ('svc/log/run' in tree) settled.push(['svc/log', 'run\n']);
    await pollUntil(() => settled.every(([svc, stat]) => readStat(join(a, svc)) === stat && readStat(join(b, svc)) === stat), 10_000, 'both runsv settled');
  }
  return { a, b };
}

const normalise = (s: string) => s.replace(/\(pid \d+\)/g, '(pid N)').replace(/\b\d+s\b/g, 'Ns');

// `sv OPTS CMD SERVICES` in a, and the same for svrun in b (svrun takes options after the command).
async function both(p: Pair, opts: string[], cmd: string, services: string[], env: Record<string, string> = {}) {
  const svrunRun = cmd === 'up' ? upInProcess(p.b, opts, services, env) : svrun([cmd, ...opts, ...services], { cwd: p.b, env });
  const [sv, ours] = await Promise.all([execa('sv', [...opts, cmd, ...services], { cwd: p.a, env, reject: false, timeout: 20_000 }), svrunRun]);
  return { sv: { stdout: normalise(sv.stdout), exitCode: sv.exitCode }, svrun: { stdout: normalise(ours.stdout), exitCode: ours.exitCode } };
}

// `up` belongs to `svrun up`, which hands service names to runSv; call it directly.
async function upInProcess(cwd: string, opts: string[], services: string[], env: Record<string, string>) {
  let stdout = '';
  const w = opts.indexOf('-w');
  const code = await runSv('up', services, { verbose: opts.includes('-v'), wait: w >= 0 ? opts[w + 1] : undefined, cwd, env: { ...process.env, ...env } }, {
    stdout: (s) => { stdout += s; },
    stderr: () => {},
  });
  return { stdout: stdout.replace(/\n$/, ''), exitCode: code };
}

async function expectSame(p: Pair, opts: string[], cmd: string, services = ['./svc'], env: Record<string, string> = {}) {
  const r = await both(p, opts, cmd, services, env);
  expect(r.svrun).toEqual(r.sv);
  return r.sv;
}

// Both supervisors end in the same state (stat text) after a command.
async function sameState(p: Pair) {
  await pollUntil(() => readStat(join(p.a, 'svc')) === readStat(join(p.b, 'svc')), 10_000, 'both stat files equal');
}

describe('svrun sv commands compared with runit sv on real runsv', () => {
  it('prints the same status line for a running service with a log service', async () => {
    const p = await pair({ 'svc/run': FOREVER, 'svc/log/run': script('exec cat >/dev/null') });
    expect((await expectSame(p, [], 'status')).stdout).toBe('run: ./svc: (pid N) Ns; run: log: (pid N) Ns');
  });

  it('prints the same status for a down service with a down file, and after once starts it', async () => {
    const p = await pair({ 'svc/run': FOREVER, 'svc/down': '' });
    expect((await expectSame(p, [], 'status')).stdout).toBe('down: ./svc: Ns');
    // not -v: sv's once test compares whole seconds with runsv's start, so its answer is timing-dependent
    expect((await expectSame(p, [], 'once')).stdout).toBe('');
    await pollUntil(() => readStat(join(p.a, 'svc')) === 'run, want down\n' && readStat(join(p.b, 'svc')) === 'run, want down\n', 10_000, 'both started once');
    expect((await expectSame(p, [], 'status')).stdout).toBe('run: ./svc: (pid N) Ns, normally down, want down');
  });

  it('starts a down service with up -v and reports ok', async () => {
    const p = await pair({ 'svc/run': FOREVER, 'svc/down': '' });
    expect((await expectSame(p, ['-v'], 'up')).stdout).toBe('ok: run: ./svc: (pid N) Ns, normally down');
    await sameState(p);
  });

  it('stops a service with down -v and with stop, reporting ok: down', async () => {
    const p = await pair({ 'svc/run': FOREVER });
    expect((await expectSame(p, ['-v'], 'down')).stdout).toBe('ok: down: ./svc: Ns, normally up');
    await expectSame(p, [], 'stop');
    await sameState(p);
  });

  it('writes down without waiting and leaves both services down', async () => {
    const p = await pair({ 'svc/run': FOREVER });
    expect((await expectSame(p, [], 'down')).stdout).toBe('');
    await pollUntil(() => readStat(join(p.a, 'svc')) === 'down\n' && readStat(join(p.b, 'svc')) === 'down\n', 10_000, 'both down');
  });

  it('pauses and continues a service with -v', async () => {
    const p = await pair({ 'svc/run': FOREVER });
    expect((await expectSame(p, ['-v'], 'pause')).stdout).toBe('ok: run: ./svc: (pid N) Ns, paused');
    await expectSame(p, [], 'status');
    expect((await expectSame(p, ['-v'], 'cont')).stdout).toBe('ok: run: ./svc: (pid N) Ns');
  });

  it('answers ok at once for hup -v and reload', async () => {
    const p = await pair({ 'svc/run': script("trap '' HUP\nexec sleep 1000") });
    await expectSame(p, ['-v'], 'hup');
    await expectSame(p, [], 'reload');
  });

  it('waits for the restart after term -v and kill -v', async () => {
    const p = await pair({ 'svc/run': FOREVER });
    expect((await expectSame(p, ['-v'], 'term')).stdout).toBe('ok: run: ./svc: (pid N) Ns');
    expect((await expectSame(p, ['-v'], 'kill')).stdout).toBe('ok: run: ./svc: (pid N) Ns');
  });

  it('restarts a service and reports ok once it runs again', async () => {
    const p = await pair({ 'svc/run': FOREVER });
    expect((await expectSame(p, [], 'restart')).stdout).toBe('ok: run: ./svc: (pid N) Ns');
  });

  it('runs a passing check script for start and reports ok', async () => {
    const p = await pair({ 'svc/run': FOREVER, 'svc/down': '', 'svc/check': script('test -f run') });
    expect((await expectSame(p, [], 'start')).stdout).toBe('ok: run: ./svc: (pid N) Ns, normally down');
  });

  it('times out after -w 2 while the check script fails', async () => {
    const p = await pair({ 'svc/run': FOREVER, 'svc/down': '', 'svc/check': script('exit 1') });
    // 2 s, not 1: on a loaded machine the start itself may take a good part of a second.
    const r = await expectSame(p, ['-w', '2'], 'start');
    expect(r).toEqual({ stdout: 'timeout: run: ./svc: (pid N) Ns, normally down', exitCode: 1 });
  });

  it('times out with got TERM when down -w 1 meets a service that ignores TERM', async () => {
    const p = await pair({ 'svc/run': IGNORES_TERM });
    const r = await expectSame(p, ['-w', '1'], 'down');
    expect(r).toEqual({ stdout: 'timeout: run: ./svc: (pid N) Ns, want down, got TERM', exitCode: 1 });
  });

  it('kills a service that ignores TERM when force-stop -w 1 times out', async () => {
    const p = await pair({ 'svc/run': IGNORES_TERM });
    const r = await expectSame(p, ['-w', '1'], 'force-stop');
    expect(r.stdout).toBe('kill: run: ./svc: (pid N) Ns, want down, got TERM');
    await pollUntil(() => readStat(join(p.a, 'svc')) === 'down\n' && readStat(join(p.b, 'svc')) === 'down\n', 10_000, 'both killed');
  });

  it('fails for a missing service, and counts each failure in the exit code', async () => {
    const p = await pair({ 'svc/run': FOREVER });
    const r = await expectSame(p, [], 'status', ['./nope', './svc', './gone']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/^fail: \.\/nope: unable to change to service directory: file does not exist$/m);
  });

  it('warns about supervise/ok for a dir that was never supervised', async () => {
    const p = await pair({ 'svc/run': FOREVER }, { supervise: false });
    const r = await expectSame(p, [], 'status');
    expect(r).toEqual({ stdout: 'warning: ./svc: unable to open supervise/ok: file does not exist', exitCode: 1 });
    await expectSame(p, ['-v'], 'down');
  });

  it('says runsv not running once runsv exited: fail for status and down, ok for exit', async () => {
    const p = await pair({ 'svc/run': FOREVER }, { supervise: false });
    for (const root of [p.a, p.b]) {
      const r = await startRunsv(join(root, 'svc'));
      writeControl(join(root, 'svc'), 'x');
      await r.stop('SIGTERM');
    }
    expect(await expectSame(p, [], 'status')).toEqual({ stdout: 'fail: ./svc: runsv not running', exitCode: 1 });
    await expectSame(p, [], 'down');
    expect(await expectSame(p, [], 'exit')).toEqual({ stdout: 'ok: ./svc: runsv not running', exitCode: 0 });
    await expectSame(p, [], 'shutdown');
  });

  it('looks bare names up in SVDIR and paths relative to the cwd', async () => {
    const p = await pair({ 'svc/run': FOREVER });
    const a = await execa('sv', ['status', 'svc'], { env: { SVDIR: p.a }, reject: false });
    const b = await svrun(['status', 'svc'], { env: { SVDIR: p.b } });
    expect(normalise(b.stdout)).toBe(normalise(a.stdout));
    expect(normalise(a.stdout)).toBe('run: svc: (pid N) Ns');
  });

  it('exits 100 with nothing on stdout for an unknown command or a missing service name', async () => {
    const p = await pair({ 'svc/run': FOREVER }, { supervise: false });
    expect(await expectSame(p, [], 'bogus')).toEqual({ stdout: '', exitCode: 100 });
    const sv = await execa('sv', ['down'], { reject: false });
    const ours = await svrun(['down']);
    expect([ours.exitCode, ours.stdout]).toEqual([sv.exitCode, sv.stdout]);
    expect(ours.stderr.trim().split('\n')).toHaveLength(1);
  });
});
