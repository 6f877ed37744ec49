// A warm process for the next restart: a /bin/sh, already forked from svrun and waiting, that
// becomes a service's ./run when told to (it chdirs, sets the service's env, execs with its
// stdio). Why: Node forks svrun itself for every spawn, and fork and exec both pay for svrun's
// memory (~0.15 ms per resident MiB here): 3 ms of a respawn with 100 services, where runsv, a
// 100 KiB process, pays well under one. The standby is svrun's child, in a session of its own,
// so the service it becomes is svrun's child as with spawn(): reaped by Node, its exit status
// and group the same. A new standby is forked once one is used, off the respawn's path. sh, not
// perl: 0.3 MiB of memory of its own, not 3. Where it cannot work (a 'pipe' stdio, a
// notification fd, an env name sh cannot export), spawn() does it all as before.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Socket } from 'node:net';
import type { SpawnSpec } from './spawn.js';

// The standby reads commands on stdin (sh -s); its fd 3 is a socket to svrun. It says "R" when
// it is ready; a request is one { … } block, which sh reads whole before it runs any of it.
// If the service cannot start, it says "exec ECODE" (or "io ECODE": svrun's fds cannot be
// opened through /proc here) and waits for svrun to close the socket, so svrun reports the
// error before the exit (111), as a failed spawn() does. The exec closes fd 3.
const READY = 'echo R >&3\n';
const FAIL = 'f() { echo "$1 $2" >&3; read _ <&3; exit 111; }';
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Left out of the standby's own env: what a shell reads at start (ENV, BASH_ENV where /bin/sh is
// bash) or will not unset (bash's read-only ones).
const SHELL_OWN = new Set(['ENV', 'BASH_ENV', 'BASHOPTS', 'SHELLOPTS', 'PPID', 'UID', 'EUID']);

const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

// Services often die together (what they need went away, a restart of several): each gets a
// standby, for ~0.3 MiB of memory each.
const POOL_SIZE = 3;
const REWARM_MS = 200;

interface Warm {
  child: ChildProcess;
  report: Socket;
  ready: boolean;
  /** The env it was started with, which it unsets before the service's. */
  names: string[];
}

/** The redirection of fd to what spec gives it; '' where it keeps svrun's; null where only spawn() can. */
function redirect(fd: 0 | 1 | 2, to: SpawnSpec['stdout']): string | null {
  const op = fd === 0 ? '<' : '>';
  if (to === 'ignore') return ` ${fd}${op}/dev/null`;
  if (to === 'inherit') return '';
  // every fd svrun hands a service is a FIFO: opened again by its /proc name, it is the same one
  if (typeof to === 'number') return ` ${fd}${op}/proc/${process.pid}/fd/${to}`;
  return null;
}

/** A few warm processes, for whichever services restart next. */
export class Standby {
  private pool: Warm[] = [];
  private disabled = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  /** size: how many wait at most (POOL_SIZE). */
  constructor(private readonly size = POOL_SIZE) {}

  /** How many standbys wait, ready to be taken. */
  get ready(): number {
    return this.pool.filter((w) => w.ready).length;
  }

  /** Forks standbys until size wait (unless none can work here). */
  warm(): void {
    while (this.pool.length < this.size && !this.disabled && !this.closed) this.fork();
  }

  private fork(): void {
    // the names sh can unset again (it would not export the others, nor could it unset them)
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => NAME.test(k) && !SHELL_OWN.has(k)));
    let child: ChildProcess;
    try {
      child = spawn('/bin/sh', ['-s'], { env, stdio: ['pipe', 'inherit', 'inherit', 'pipe'], detached: true, argv0: 'svrun: standby' });
    } catch {
      this.disabled = true;
      return;
    }
    const report = child.stdio[3] as Socket;
    const w: Warm = { child, report, ready: false, names: Object.keys(env) };
    this.pool.push(w);
    const waiting = () => this.pool.includes(w);
    const leave = () => { this.pool = this.pool.filter((x) => x !== w); };
    child.stdin!.on('error', () => { /* it died: its exit is reported */ });
    child.stdin!.write(READY);
    report.on('error', () => { /* the same */ });
    report.setEncoding('latin1');
    report.on('data', (s: string) => {
      if (!w.ready && s.startsWith('R')) {
        w.ready = true;
        s = s.slice(2);
      }
      if (s && !waiting()) this.failed(w, s.trim());
    });
    child.on('error', () => {
      // no /bin/sh: spawn() does every start (once taken, an error is the service's, failed())
      if (!waiting()) return;
      this.disabled = true;
      leave();
    });
    child.once('exit', () => {
      if (!waiting()) return;
      leave();
      // died before it was ready: it cannot work here; killed while waiting: another, later
      if (!w.ready) this.disabled = true;
      else this.later(1000);
    });
  }

  /**
   * The standby turned into SPEC's process, or null (none ready, or SPEC needs spawn()). It
   * emits 'error' (before 'exit', code 111) if the exec fails, as a failed spawn() does.
   */
  take(spec: SpawnSpec): ChildProcess | null {
    const w = this.pool.find((x) => x.ready);
    if (!w || spec.notificationFd) return null;
    const io = [redirect(0, spec.stdin), redirect(1, spec.stdout), redirect(2, spec.stderr)];
    const env = Object.entries(spec.env);
    if (io.includes(null) || !env.every(([k]) => NAME.test(k))) return null;
    this.pool = this.pool.filter((x) => x !== w);
    const file = `./${spec.script}`;
    const fds = [spec.stdin, spec.stdout, spec.stderr].filter((fd) => typeof fd === 'number');
    const lines = [
      '{',
      FAIL,
      `cd ${q(spec.dir)} 2>/dev/null || f exec ENOENT`,
      `[ -e ${file} ] || f exec ENOENT`,
      `[ -x ${file} ] && [ ! -d ${file} ] || f exec EACCES`,
      ...fds.map((fd) => `[ -e /proc/${process.pid}/fd/${fd} ] || f io ENOENT`),
      // cd exported PWD and OLDPWD; the service gets its own env and nothing else
      `unset ${[...w.names, 'PWD', 'OLDPWD'].join(' ')}`,
      ...(env.length ? [`export ${env.map(([k, v]) => `${k}=${q(v)}`).join(' ')}`] : []),
      `exec ${[file, ...spec.args].map(q).join(' ')}${io.join('')} 3>&-`,
      '}',
      '',
    ];
    w.child.stdin!.write(lines.join('\n'));
    // the next one once this service is under way: forking svrun takes ~3 ms of CPU it would
    // otherwise compete with
    this.later(REWARM_MS);
    return w.child;
  }

  private failed(w: Warm, report: string): void {
    const [what, code = 'EIO'] = report.split(' ');
    // where /proc does not let it open svrun's fds, spawn() starts every service from now on
    if (what !== 'exec') this.disabled = true;
    const errno = -(constants.errno[code as keyof typeof constants.errno] ?? constants.errno.EIO);
    w.child.emit('error', Object.assign(new Error(`spawn ${code}`), { code, errno }));
    w.report.destroy(); // sh waits for this, then exits 111
  }

  private later(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.warm();
    }, ms);
    this.timer.unref();
  }

  /** Ends the waiting standbys; resolves once they have exited. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const pool = this.pool;
    this.pool = [];
    await Promise.all(pool.map(async (w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null || !w.child.pid) return;
      const exited = new Promise((r) => w.child.once('exit', r));
      w.child.kill('SIGKILL');
      await exited;
    }));
  }
}
