// The warm process restarts start as (src/supervisor/standby.ts): real perl, real services.
import { closeSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Standby } from '../../src/supervisor/standby.js';
import type { SpawnSpec } from '../../src/supervisor/spawn.js';
import { makeTree, script, tempDir } from '../helpers/fs.js';
import { pollUntil } from '../helpers/proc.js';
import { alive, servicesDir, upReady } from './harness.js';

async function warmed(): Promise<{ standby: Standby; pid: number }> {
  const standby = new Standby(1);
  onTestFinished(() => standby.close());
  standby.warm();
  await pollUntil(() => standby.ready, 15_000, 'the standby to be ready');
  const [pid, ...more] = pidsNamed('svrun: standby', process.pid);
  expect(more).toEqual([]);
  return { standby, pid: pid! };
}

// The children of parent whose command line starts with name.
function pidsNamed(name: string, parent: number): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      return ppid(pid) === parent && readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith(`${name}\0`);
    } catch {
      return false;
    }
  });
}

// svrun's three standbys, once all are there
function threeStandbys(svrun: number): Promise<number[]> {
  return pollUntil(() => {
    const found = pidsNamed('svrun: standby', svrun);
    return found.length === 3 && found;
  }, 15_000, 'svrun to fork its 3 standbys');
}

// fields of /proc/PID/stat after the command: state ppid pgrp session …
const statFields = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'latin1').replace(/^.*\) /s, '').split(' ');
const ppid = (pid: number) => Number(statFields(pid)[1]);

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null; errors: string[] }> {
  const errors: string[] = [];
  child.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? String(err)));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, errors: [...errors] })));
}

describe('standby', () => {
  it("becomes the service: svrun's child in a session of its own, with the spec's env, cwd and stdio, default signals, its exit status", async () => {
    const root = tempDir();
    makeTree(root, {
      'svc/run': script([
        // builtins only, first: while sh waits for a child it has signals blocked
        'while read -r l; do case $l in SigBlk*|SigIgn*) echo "$l";; esac; done < /proc/$$/status',
        'echo "args=$*"',
        'echo "pwd=$(pwd)"',
        'env | grep -E "^(FOO|EMPTY|EQ|SVRUN_TEST_RUN|PATH)=" | sort',
        'for fd in /proc/$$/fd/*; do readlink "$fd"; done | grep -c "^socket:" || true',
        'echo to-stderr >&2',
        'read line && echo "stdin=$line"',
        'exit 7',
      ].join('\n')),
    });
    const { standby, pid } = await warmed();
    const out = openSync(join(root, 'out'), 'w');
    const err = openSync(join(root, 'err'), 'w');
    onTestFinished(() => { closeSync(out); closeSync(err); });
    const dir = join(root, 'svc');
    const spec: SpawnSpec = { dir, script: 'run', args: [], env: { FOO: "it's $HOME", EMPTY: '', EQ: 'a=b' }, stdin: 'ignore', stdout: out, stderr: err };
    const child = standby.take(spec)!;
    expect(child).not.toBeNull();
    expect(child.pid).toBe(pid);
    expect(standby.ready).toBe(0);
    const [, , pgrp, session] = statFields(pid);
    expect(Number(pgrp)).toBe(pid);
    expect(Number(session)).toBe(pid);
    const r = await exited(child);
    expect(r).toEqual({ code: 7, signal: null, errors: [] });
    expect(readFileSync(join(root, 'out'), 'utf8')).toBe([
      'SigBlk:\t0000000000000000',
      'SigIgn:\t0000000000000000',
      'args=',
      `pwd=${dir}`,
      'EMPTY=', 'EQ=a=b', "FOO=it's $HOME",
      '0',
      '',
    ].join('\n'));
    expect(readFileSync(join(root, 'err'), 'utf8')).toBe('to-stderr\n');
  });

  it("reports a run it cannot exec (not executable, a dir, missing) as spawn() does: 'error' with the errno's code, then exit 111", async () => {
    const root = tempDir();
    makeTree(root, { 'svc/run': { content: '#!/bin/sh\nexit 0\n', mode: 0o644 } });
    const { standby } = await warmed();
    const spec: SpawnSpec = { dir: join(root, 'svc'), script: 'run', args: [], env: {}, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' };
    expect(await exited(standby.take(spec)!)).toEqual({ code: 111, signal: null, errors: ['EACCES'] });
    makeTree(root, { 'dir/run/x': '' });
    standby.warm();
    await pollUntil(() => standby.ready, 15_000, 'the next standby');
    expect(await exited(standby.take({ ...spec, dir: join(root, 'dir') })!)).toEqual({ code: 111, signal: null, errors: ['EACCES'] });
    standby.warm();
    await pollUntil(() => standby.ready, 15_000, 'the next standby');
    expect(await exited(standby.take({ ...spec, dir: join(root, 'none') })!)).toEqual({ code: 111, signal: null, errors: ['ENOENT'] });
  });

  it('leaves to spawn() what it cannot do (a pipe, a notification fd, an env name sh cannot export), and what comes before it is ready', async () => {
    const cold = new Standby(1);
    const base: SpawnSpec = { dir: '/', script: 'run', args: [], env: {}, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' };
    expect(cold.take(base)).toBeNull();
    const { standby, pid } = await warmed();
    expect(standby.take({ ...base, stdout: 'pipe' })).toBeNull();
    expect(standby.take({ ...base, notificationFd: 3 })).toBeNull();
    expect(standby.take({ ...base, env: { 'my.var': '1' } })).toBeNull();
    expect(standby.ready).toBe(1);
    await standby.close();
    expect(alive(pid)).toBe(false);
  });

  it('svrun up restarts a killed service as its standby, still captured into its log files', async () => {
    const dir = servicesDir({
      'a/run': script('echo "up $$"\nexec sleep 1000'),
    });
    const u = await upReady(dir);
    const first = (await u.waitEvent('started', 'a')).pid as number;
    expect(ppid(first)).toBe(u.pid);
    const standbys = await threeStandbys(u.pid);
    process.kill(first, 'SIGKILL');
    const second = (await u.waitEvent('started', 'a', 2)).pid as number;
    expect(standbys).toContain(second);
    expect(ppid(second)).toBe(u.pid);
    const current = join(dir, 'a', 'supervise', 'log', 'current');
    await pollUntil(() => readFileSync(current, 'utf8').includes(`up ${second}`), 15_000, 'the restarted run\'s line in current');
    // a new standby waits for the next restart
    await pollUntil(() => {
      const found = pidsNamed('svrun: standby', u.pid);
      return found.length === 3 && !found.includes(second);
    }, 15_000, 'the next standby');
    expect((await u.stop()).exitCode).toBe(0);
    expect(alive(second)).toBe(false);
    expect(standbys.filter(alive)).toEqual([]);
  });

  it('svrun up restarts a service whose env/ changed as a standby, with the new env (a variable its env dir now unsets is gone)', async () => {
    const dir = servicesDir({
      'a/env/GREETING': 'one\n',
      'a/run': script('echo "greeting=$GREETING home=${HOME-unset}"\nexec sleep 1000'),
    });
    const u = await upReady(dir, [], { HOME: '/from-svrun' });
    await u.waitFor('a | greeting=one home=/from-svrun');
    const standbys = await threeStandbys(u.pid);
    // HOME is svrun's, which a service inherits (foundation precedence); the env dir unsets it
    writeFileSync(join(dir, 'a/env/HOME'), '');
    writeFileSync(join(dir, 'a/env/GREETING'), 'two\n');
    await u.waitFor('a | greeting=two home=unset');
    const second = (await u.waitEvent('started', 'a', 2)).pid as number;
    expect(standbys).toContain(second);
  });
});
