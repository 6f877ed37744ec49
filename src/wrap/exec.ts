// Runs a Command in place of svrun, as chpst's final exec does. Node 22.15+ has
// process.execve and replaces the process; Node 20 cannot, so PROG runs as a child that
// gets every catchable signal svrun gets, and svrun exits with PROG's status.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsc, readFileSync, statSync } from 'node:fs';
import { constants as osc } from 'node:os';
import { join } from 'node:path';
import { SvrunError, djbError } from '../errors.js';
import type { Command } from './command.js';

/** Options for execCommand; the process object is injectable so tests can emit signals. */
export interface ExecOptions {
  /** Use process.execve when Node has it (default true). */
  replace?: boolean;
  /** The process whose signals are forwarded (default: the real one). */
  proc?: NodeJS.Process;
}

// Every signal a process can catch and that means something to PROG. Not CHLD (ours),
// not the synchronous faults (SEGV BUS FPE ILL TRAP ABRT: they concern svrun itself).
const FORWARDED: NodeJS.Signals[] = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM',
  'SIGCONT', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM',
  'SIGWINCH', 'SIGIO', 'SIGPWR',
];
// The tty driver sends these to the whole foreground process group, PROG included.
const FROM_TTY = new Set<NodeJS.Signals>(['SIGINT', 'SIGQUIT', 'SIGTSTP', 'SIGWINCH']);
// Job-control stops: PROG stops, and so must svrun, or the shell never sees the job stop.
const STOPS = new Set<NodeJS.Signals>(['SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

/** Runs cmd and resolves to its exit status (128 + signal number for a signalled death). */
export async function execCommand(cmd: Command, opts: ExecOptions = {}): Promise<number> {
  const proc = opts.proc ?? process;
  const execve = (proc as unknown as { execve?: (f: string, a: string[], e: Record<string, string>) => never }).execve;
  if (opts.replace !== false && typeof execve === 'function') {
    const file = resolveProgram(cmd.file, cmd.env.PATH);
    if (cmd.cwd) changeDir(cmd.cwd, proc);
    try {
      execve(file, [cmd.argv0 ?? cmd.file, ...cmd.args], cmd.env);
    } catch (err) {
      throw unableToRun(cmd.file, err);
    }
  }
  return spawnForwarding(cmd, proc);
}

function spawnForwarding(cmd: Command, proc: NodeJS.Process): Promise<number> {
  return new Promise((resolve, reject) => {
    // Handlers first: a signal that arrives while PROG is being started must not take svrun's
    // default action (a HUP would end svrun and leave PROG behind); it is passed on once PROG runs.
    let child: ChildProcess | null = null;
    const early: NodeJS.Signals[] = [];
    const onSignal = (sig: NodeJS.Signals) => {
      if (!child) {
        early.push(sig);
        return;
      }
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      if (!(FROM_TTY.has(sig) && ttyAlreadyDelivered(child.pid))) {
        try { process.kill(child.pid, sig); } catch { /* exited meanwhile */ }
      }
      if (STOPS.has(sig)) process.kill(process.pid, 'SIGSTOP');
    };
    for (const sig of FORWARDED) proc.on(sig, onSignal);
    const done = () => { for (const sig of FORWARDED) proc.off(sig, onSignal); };
    child = spawn(cmd.file, cmd.args, {
      stdio: 'inherit',
      env: cmd.env,
      ...(cmd.cwd ? { cwd: cmd.cwd } : {}),
      ...(cmd.argv0 ? { argv0: cmd.argv0 } : {}),
    });
    for (const sig of early.splice(0)) onSignal(sig);
    child.once('error', (err) => {
      done();
      if (cmd.cwd && !isDir(cmd.cwd)) reject(new SvrunError('SYSTEM', `unable to change directory: ${cmd.cwd}: ${djbError(dirError(cmd.cwd))}`));
      else reject(unableToRun(cmd.file, err));
    });
    child.once('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? osc.signals[signal] : 0));
    });
  });
}

/** Absolute path of file as execvp would find it on PATH (chpst/pathexec semantics). */
export function resolveProgram(file: string, path = '/bin:/usr/bin', root = '/'): string {
  const inRoot = (p: string) => (root === '/' ? p : join(root, p));
  if (file.includes('/')) {
    check(inRoot(file));
    return file;
  }
  let last: unknown = Object.assign(new Error('not found'), { code: 'ENOENT' });
  for (const dir of path.split(':')) {
    const candidate = join(dir || '.', file);
    try {
      check(inRoot(candidate));
      return candidate;
    } catch (err) {
      // like execvp: a file that exists but cannot be run is the error worth reporting
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') last = err;
    }
  }
  throw unableToRun(file, last);
}

function check(path: string): void {
  accessSync(path, fsc.X_OK);
  if (statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EACCES' });
}

function unableToRun(file: string, err: unknown): SvrunError {
  if (err instanceof SvrunError) return err;
  return new SvrunError('SYSTEM', `unable to run: ${file}: ${djbError(err)}`, { cause: err });
}

function changeDir(dir: string, proc: NodeJS.Process): void {
  try {
    proc.chdir(dir);
  } catch (err) {
    throw new SvrunError('SYSTEM', `unable to change directory: ${dir}: ${djbError(err)}`, { cause: err });
  }
}

function isDir(dir: string): boolean {
  try { return statSync(dir).isDirectory(); } catch { return false; }
}

function dirError(dir: string): unknown {
  try { statSync(dir); return Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }); } catch (err) { return err; }
}

// True when the terminal's foreground group is the child's: the tty driver has already
// signalled it, and forwarding would deliver a Ctrl-C twice (a REPL would quit).
function ttyAlreadyDelivered(childPid: number): boolean {
  try {
    const tpgid = statField(readFileSync('/proc/self/stat', 'latin1'), 8);
    return tpgid > 0 && tpgid === statField(readFileSync(`/proc/${childPid}/stat`, 'latin1'), 5);
  } catch {
    return false;
  }
}

// Field n (1-based, as in proc(5)) of a /proc/PID/stat line; comm may hold spaces.
function statField(stat: string, n: number): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[n - 3]);
}
