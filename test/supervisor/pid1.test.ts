// svrun up as PID 1 of a container, simulated with a PID namespace (unshare, root only): the
// launcher (bin/svrun) puts a reaping init in front of Node, which cannot wait for orphans.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeTree, script, tempDir } from '../helpers/fs.js';
import { SVRUN, pollUntil, start } from '../helpers/proc.js';

const LAUNCHER = fileURLToPath(new URL('../../bin/svrun', import.meta.url));

const canUnshare = (() => {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('unshare', ['--pid', '--fork', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** pid, command name and state of every process whose parent is ppid (from /proc). */
function childrenOf(ppid: number): { pid: number; comm: string; state: string }[] {
  const out: { pid: number; comm: string; state: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try { stat = readFileSync(`/proc/${name}/stat`, 'latin1'); } catch { continue; }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(parent) === ppid) out.push({ pid: Number(name), comm, state: state! });
  }
  return out;
}

// A service that leaves an orphan behind at each start: it is re-parented to PID 1 and ends
// 0.2 s later, a zombie until PID 1 waits for it.
function servicesWithOrphan(): { dir: string; started: string } {
  const root = tempDir();
  const started = `${root}/started`;
  const dir = makeTree(root, {
    'services/orphaner/run': script(['( sh -c \'exec sleep 0.2\' & )', `echo started > ${started}`, 'exec sleep 100000'].join('\n')),
  });
  return { dir: `${dir}/services`, started };
}

/** Runs cmd as PID 1 of a new PID namespace; resolves to the host pid of that PID 1. */
async function asPid1(cmd: string[]) {
  const ns = start('unshare', ['--pid', '--fork', '--kill-child', ...cmd]);
  const init = await pollUntil(() => childrenOf(ns.pid)[0], 10_000, 'the namespace init');
  return { ns, init: init.pid };
}

describe.skipIf(!canUnshare)('svrun up as PID 1', () => {
  it('reaps the orphans of its services, passes TERM on to svrun and exits with its status', async () => {
    const { dir, started } = servicesWithOrphan();
    const { ns, init } = await asPid1([LAUNCHER, 'up', dir]);
    // unshare's child becomes sh (the launcher), then perl: wait for the exec, not a moment
    await pollUntil(() => readFileSync(`/proc/${init}/comm`, 'latin1').trim() === 'perl', 10_000, 'the launcher to exec perl');
    await pollUntil(() => existsSync(started), 15_000, 'the service to start');
    // the orphan was re-parented before `started` was written; it ends and is reaped
    await pollUntil(() => childrenOf(init).every((c) => c.comm === 'node'), 10_000, 'no orphan, live or zombie, left under PID 1');
    process.kill(init, 'SIGTERM');
    expect((await ns.stop('SIGCONT')).exitCode).toBe(0);
    expect(ns.output()).toContain('every service stopped');
  });

  it('warns, and leaves zombies, when node itself is PID 1 (the case the launcher exists for)', async () => {
    const { dir, started } = servicesWithOrphan();
    const { ns, init } = await asPid1([process.execPath, SVRUN, 'up', dir]);
    await ns.waitFor('running as PID 1 without an init');
    await pollUntil(() => existsSync(started), 15_000, 'the service to start');
    await pollUntil(() => childrenOf(init).some((c) => c.comm === 'sleep' && c.state === 'Z'), 10_000, 'a zombie under PID 1');
    process.kill(init, 'SIGTERM');
    expect((await ns.stop('SIGCONT')).exitCode).toBe(0);
  });
});
