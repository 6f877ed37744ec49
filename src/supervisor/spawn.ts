// Starting run, finish and check: each in its service dir, run and finish in a session and
// process group of their own (so a stop reaches grandchildren), with default signal
// dispositions and an unblocked mask (libuv resets both in the child).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { join } from 'node:path';

/** What to start and where its standard streams go. */
export interface SpawnSpec {
  dir: string;
  script: 'run' | 'finish' | 'check';
  args: string[];
  env: Record<string, string>;
  stdin: 'ignore' | number;
  stdout: 'pipe' | 'inherit' | 'ignore' | number;
  stderr: 'pipe' | 'inherit' | number;
  /** s6 notification-fd: an extra pipe at this fd number. */
  notificationFd?: number | null;
}

/** Spawns the script; errors (missing, not executable) arrive as the child's 'error' event. */
export function spawnScript(spec: SpawnSpec): ChildProcess {
  const stdio: StdioOptions = [spec.stdin, spec.stdout, spec.stderr];
  if (spec.notificationFd) {
    for (let fd = 3; fd < spec.notificationFd; fd++) stdio.push('ignore');
    stdio.push('pipe');
  }
  return spawn(join(spec.dir, spec.script), spec.args, {
    cwd: spec.dir,
    env: spec.env,
    stdio,
    // check is sv's business in runit and short-lived; it stays in svrun's group.
    detached: spec.script !== 'check',
    argv0: `./${spec.script}`,
  });
}
