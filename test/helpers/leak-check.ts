// Fails the run if any process spawned by a test outlives the suite. Every test process
// inherits SVRUN_TEST_RUN; at teardown any live process carrying it in its environment
// is a leak: it is reported, killed, and the run fails.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

const MARK = 'SVRUN_TEST_RUN';

export function setup(): void {
  process.env[MARK] = randomUUID();
}

export function teardown(): void {
  const id = process.env[MARK];
  if (!id) return;
  const leaks = findMarked(`${MARK}=${id}`);
  for (const p of leaks) {
    try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone already */ }
  }
  if (leaks.length > 0) {
    throw new Error(`processes leaked by tests (now killed):\n${leaks.map((p) => `  ${p.pid} ${p.cmd}`).join('\n')}`);
  }
}

function findMarked(needle: string): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (!env.split('\0').includes(needle)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      if (/\) Z /.test(stat)) continue; // a zombie is already dead; its parent reaps it
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
      if (/vitest\/dist\/workers\//.test(cmd)) continue; // vitest's own workers, still shutting down
      found.push({ pid, cmd });
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return found;
}
