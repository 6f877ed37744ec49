// Tests that run svrun as `nobody` need a path to the checkout that nobody may traverse; a
// clone under a private dir (mktemp -d is 0700) has none. Then the checkout is bind-mounted
// at a fresh dir under /tmp for the run (we are root), and unmounted at the end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const VAR = 'SVRUN_PUBLIC_ROOT';

/** Makes the checkout reachable by any user; records where in SVRUN_PUBLIC_ROOT. */
export function setup(): void {
  if (traversable(ROOT)) return;
  const dir = mkdtempSync(join(tmpdir(), 'svrun-public-'));
  try {
    execFileSync('mount', ['--bind', ROOT, dir], { stdio: 'ignore' });
    process.env[VAR] = dir;
  } catch {
    rmdirSync(dir); // not root: the nobody tests will say what they could not reach
  }
}

/** Undoes setup. */
export function teardown(): void {
  const dir = process.env[VAR];
  if (!dir) return;
  execFileSync('umount', [dir], { stdio: 'ignore' });
  rmdirSync(dir);
}

// Every dir from / down to path has the x bit for others.
function traversable(path: string): boolean {
  for (let p = path; ; p = dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) return false;
    if (p === '/') return true;
  }
}
