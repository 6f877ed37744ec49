// One supervised service dir (a main service, or its log/): owns the state, the one timer,
// the child processes and the supervise/ files, and performs the machine's effects.
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CONTROL_FIFOS, SuperviseWriter, holdOk, lockOpened, makeFifos, openControl, openLockFile, prepareSuperviseDir, superviseFiles, type Closeable, type LockHandle } from '../supervise/files.js';
import type { StatusRecord } from '../supervise/status.js';
import { djbError } from '../errors.js';
import type { ServiceConfig } from './config.js';
import { pipeLines, type LineSink } from './lines.js';
import { initialState, step, type ControlLetter, type Effect, type Event, type ServiceState } from './machine.js';
import { spawnScript, type SpawnSpec } from './spawn.js';
import type { Standby } from './standby.js';

/** Where a service's standard streams go. */
export interface ServiceIo {
  /** fd for run's stdin (a logger reads the log pipe), else /dev/null. */
  stdin?: number;
  /** fd for run's stdout (the log pipe, the capture pipe); without it, output goes to the sink. */
  stdout?: number;
  /** fd for run's stderr (the capture pipe); without it, svrun's own with stdout, else the sink. */
  stderr?: number;
  sink: LineSink;
  /** FIFOs supervise/ needs besides control and ok. */
  fifos?: readonly string[];
  /** Called when run or finish exited, before svrun acts on it. */
  exited?: () => void;
}

/** What a Service needs from its owner. */
export interface ServiceOptions {
  name: string;
  dir: string;
  /** Where supervise/ lives: the service dir itself, or an instance dir of a scaled service. */
  stateDir?: string;
  config: ServiceConfig;
  env: Record<string, string> | null;
  io: ServiceIo;
  log: Logger;
  /** Control letters this service ignores (x for a log service, as runsv). */
  ignore?: string;
  onChange?: (s: ServiceState, prev: ServiceState) => void;
  clock?: () => number;
  /** A warm process run may start as (standby.ts); spawn() otherwise. */
  standby?: Standby | null;
}

const LETTERS = new Set('udopchaiq12tkx');

/** A supervised service: feed it events, it runs the processes and keeps supervise/ current. */
export class Service {
  state: ServiceState;
  env: Record<string, string> | null;
  /** Why the env could not be read, when env is null. */
  envError: string | null = null;
  readonly name: string;
  readonly dir: string;
  private child: ChildProcess | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private handles: Closeable[] = [];
  private lock: LockHandle | null = null;
  private superviseDir = '';
  private files: SuperviseWriter | null = null;
  private goneResolve!: () => void;
  private depth = 0;
  // From startBoot() to settle(): log lines wait, also those of a run that exits meanwhile, so
  // that whoever acts on a line (sv, a test) finds control and ok, which listen() makes between.
  private booting = false;
  private closed = false;
  private notes: ['info' | 'warn' | 'error', Record<string, unknown>, string][] = [];
  /** Resolves when the service has exited for good (want exit and down). */
  readonly gone: Promise<void>;
  private readonly clock: () => number;

  constructor(private readonly opts: ServiceOptions) {
    this.name = opts.name;
    this.dir = opts.dir;
    this.env = opts.env;
    this.clock = opts.clock ?? Date.now;
    this.state = initialState(opts.config, this.clock());
    this.gone = new Promise((r) => { this.goneResolve = r; });
  }

  /**
   * Takes the lock and opens supervise/; throws (LOCKED, BAD_SERVICE) if it cannot. The FIFOs
   * sv talks through (control, ok) are only checked here and made by listen(): a bring-up
   * starts its services first, as on a slow disk each FIFO costs ~0.6 ms of ext4's journal.
   */
  async open(): Promise<void> {
    const base = this.opts.stateDir ?? this.dir;
    // supervise/ exists once prepareSuperviseDir has returned its promise: the lock file is
    // created while mkfifo runs, and every service then locks in the same helper (os/flock.ts)
    const made = prepareSuperviseDir(base, this.opts.io.fifos, false);
    const [dir, fd] = await Promise.allSettled([made, openLockFile(join(base, 'supervise'), this.name)]);
    if (dir.status === 'rejected') {
      if (fd.status === 'fulfilled') closeSync(fd.value);
      throw dir.reason;
    }
    if (fd.status === 'rejected') throw fd.reason;
    this.superviseDir = dir.value;
    this.lock = await lockOpened(fd.value, this.name);
    this.files = new SuperviseWriter(this.superviseDir, (err) => this.opts.log.warn({ event: 'status-write' }, err.message));
  }

  /** Makes control and ok (the FIFOs of one tick in one batch) and starts reading control. */
  async listen(): Promise<void> {
    await makeFifos(CONTROL_FIFOS.map((n) => join(this.superviseDir, n)));
    if (this.closed) return; // stopped meanwhile: nothing may hold the FIFOs open now
    this.handles.push(openControl(this.superviseDir, (letters) => this.control(letters)));
    this.handles.push(holdOk(this.superviseDir));
  }

  /** Starts supervising: up unless a down file exists (read once, as runsv does). */
  boot(): void {
    this.startBoot();
    this.settle();
  }

  /**
   * The first half of boot(): starts the service, holding back its supervise/ files and log
   * lines until settle(). A bring-up starts every service first and writes files after: the
   * last of a hundred services need not wait for the others' files.
   */
  startBoot(): void {
    this.booting = true;
    this.depth++;
    try {
      this.dispatch({ type: 'boot', now: this.clock(), down: existsSync(join(this.dir, 'down')) });
    } finally {
      this.depth--;
    }
  }

  /** Writes the supervise/ files and log lines held back since startBoot(). */
  settle(): void {
    this.booting = false;
    if (!this.closed) this.writeStatus(true);
    this.flushNotes();
  }

  /**
   * Writes the supervise/ files if nothing has yet: a service that waits (needs) or will not
   * start says so. Not done at open(): the files written again at boot, a moment later, would
   * be replaced by rename, which costs ext4 several times a first write (100 services: 60 ms).
   */
  announce(): void {
    if (!this.files?.started) this.writeStatus(true);
  }

  /** Resolves once supervise/ says what the service's state is now. */
  written(): Promise<void> {
    return this.files?.idle() ?? Promise.resolve();
  }

  /** Applies control letters, as written to supervise/control. */
  control(letters: string): void {
    for (const c of letters) {
      if (!LETTERS.has(c) || this.opts.ignore?.includes(c)) continue;
      this.dispatch({ type: 'control', cmd: c as ControlLetter, now: this.clock() });
    }
  }

  /** Feeds one event to the machine and performs what it asks. */
  dispatch(e: Event): void {
    const prev = this.state;
    const r = step(prev, e);
    this.state = r.state;
    this.depth++;
    try {
      for (const effect of r.effects) this.perform(effect);
    } finally {
      this.depth--;
    }
    if (this.state.deadline?.at !== prev.deadline?.at || this.state.deadline?.why !== prev.deadline?.why) this.arm();
    if (this.state !== prev) {
      // a dispatch from within an effect (spawned, ready while booting) leaves the files to the
      // outermost one, which writes the state they all led to: once, not once per step
      if (this.depth === 0) this.writeStatus();
      this.opts.onChange?.(this.state, prev);
    }
    // Log lines come last: after the processes are started (a respawn does not wait on them)
    // and once supervise/ says what they say (whoever acts on a line finds the files agree).
    if (this.depth === 0 && !this.booting) this.flushNotes();
  }

  private flushNotes(): void {
    if (!this.notes.length) return;
    const notes = this.notes;
    this.notes = [];
    const emit = () => {
      for (const [level, obj, msg] of notes) this.opts.log[level](obj, msg);
    };
    if (this.files) this.files.afterWrite(emit);
    else emit();
  }

  private note(level: 'info' | 'warn' | 'error', obj: Record<string, unknown>, msg: string): void {
    this.notes.push([level, obj, msg]);
    if (this.depth === 0 && !this.booting) this.flushNotes();
  }

  private perform(effect: Effect): void {
    switch (effect.type) {
      case 'spawn':
        if (effect.proc === 'run') this.startRun();
        else this.startFinish(effect.args);
        return;
      case 'kill':
        try {
          process.kill(effect.group ? -effect.pid : effect.pid, effect.signal);
        } catch { /* already gone: its exit event is on its way */ }
        return;
      case 'log':
        this.note(effect.level, { event: effect.event, ...effect.data }, effect.msg);
        return;
      case 'gone':
        // the lock goes once the last state is on disk: a supervisor taking over finds it final
        void this.written().then(() => {
          this.close();
          this.goneResolve();
        });
        return;
    }
  }

  private startRun(): void {
    if (!this.env) {
      this.opts.log.error({ event: 'env-rejected' }, `unable to start: ${this.envError ?? 'no environment'}`);
      queueMicrotask(() => this.dispatch({ type: 'exited', proc: 'run', exit: { code: 111, signal: null }, now: this.clock() }));
      return;
    }
    const c = this.state.config;
    const child = this.spawn('run', [], c.notificationFd);
    if (child.pid) {
      this.note('info', { event: 'started', pid: child.pid }, `started (pid ${child.pid})`);
      this.dispatch({ type: 'spawned', proc: 'run', pid: child.pid, now: this.clock() });
      this.watchReadiness(child);
    }
  }

  private startFinish(args: [string, string]): void {
    const child = this.spawn('finish', args, null);
    if (child.pid) this.dispatch({ type: 'spawned', proc: 'finish', pid: child.pid, now: this.clock() });
  }

  private spawn(script: 'run' | 'finish', args: string[], notificationFd: number | null): ChildProcess {
    const io = this.opts.io;
    const spec: SpawnSpec = {
      dir: this.dir, script, args, env: this.env ?? {}, notificationFd,
      stdin: io.stdin ?? 'ignore',
      stdout: io.stdout ?? 'pipe',
      stderr: io.stderr ?? (io.stdout === undefined ? 'pipe' : 'inherit'),
    };
    const child = (script === 'run' ? this.opts.standby?.take(spec) : null) ?? spawnScript(spec);
    this.child = child;
    for (const [stream, kind] of [[child.stdout, 'stdout'], [child.stderr, 'stderr']] as const) {
      if (stream) pipeLines(stream, this.name, kind, io.sink);
    }
    let reported = false;
    const report = (code: number | null, signal: NodeJS.Signals | null) => {
      if (reported) return;
      reported = true;
      if (this.child === child) this.child = null;
      io.exited?.();
      this.dispatch({ type: 'exited', proc: script, exit: { code, signal }, now: this.clock() });
    };
    child.on('exit', report);
    child.on('error', (err) => {
      // runsv's child prints this and exits 111; the restart policy treats it like a crash.
      this.opts.log.error({ event: 'spawn-failed', script }, `unable to start ./${script}: ${djbError(err)}`);
      if (!child.pid) queueMicrotask(() => report(111, null));
    });
    return child;
  }

  // Ready: at once without a readiness mechanism; on ./check exiting 0; on a line at notification-fd.
  private watchReadiness(child: ChildProcess): void {
    const c = this.state.config;
    const ready = () => {
      if (this.child === child) this.dispatch({ type: 'ready', now: this.clock() });
    };
    if (c.notificationFd) {
      const stream = child.stdio[c.notificationFd] as NodeJS.ReadableStream | undefined;
      stream?.on('data', (d: Buffer) => {
        if (d.includes(10)) ready();
      });
      stream?.on('error', () => {});
      return;
    }
    if (!c.hasCheck) {
      ready();
      return;
    }
    const poll = () => {
      this.checkTimer = null;
      if (this.child !== child || this.state.ready) return;
      const check = spawnScript({ dir: this.dir, script: 'check', args: [], env: this.env ?? {}, stdin: 'ignore', stdout: 'ignore', stderr: 'inherit' });
      check.on('error', () => {});
      check.on('exit', (code) => {
        if (code === 0) ready();
        else if (this.child === child && !this.state.ready) this.checkTimer = setTimeout(poll, 100);
      });
    };
    poll();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const d = this.state.deadline;
    if (!d) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dispatch({ type: 'deadline', now: Math.max(this.clock(), d.at) });
    }, Math.max(0, d.at - this.clock()));
  }

  /** Set for a stop-all: this service's supervise/ files are written in the thread pool. */
  deferWrites = false;

  /** The next state's files wait up to ms, and are not written if a newer state comes first. */
  holdWrites(ms: number): void {
    this.files?.hold(ms);
  }

  private writeStatus(defer = this.deferWrites): void {
    if (!this.files) return;
    const s = this.state;
    const rec: StatusRecord = {
      stamp: { sec: Math.floor(s.stamp / 1000), nsec: (s.stamp % 1000) * 1_000_000 },
      pid: s.pid,
      paused: s.paused,
      want: s.want === 'up' ? 'u' : 'd',
      term: s.termSent,
      state: s.phase,
    };
    this.files.write(superviseFiles(rec, {
      wantExit: s.want === 'exit',
      extra: {
        failed: s.failed !== null, reason: s.failed ?? undefined, ready: s.ready, restarts: s.restarts,
        nextStartAt: s.deadline?.why === 'restart' ? s.deadline.at : undefined,
      },
    }), defer);
  }

  /** Stops timers and releases supervise/ (the lock goes with it). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.checkTimer) clearTimeout(this.checkTimer);
    this.timer = this.checkTimer = null;
    for (const h of this.handles) h.close();
    this.handles = [];
    this.lock?.release();
    this.lock = null;
  }

  /** SIGKILLs whatever runs now (run's group or finish): the second Ctrl-C. */
  forceKill(): void {
    const pid = this.state.pid;
    if (!pid) return;
    try { process.kill(this.state.phase === 'run' ? -pid : pid, 'SIGKILL'); } catch { /* gone */ }
  }
}
