// svrun up: every service dir of a services dir, supervised in this one process. Watches the
// dir (no periodic rescans), reconciles on change, and stops everything on TERM/INT/HUP.
import type { EventEmitter } from 'node:events';
import { basename, join, relative, sep } from 'node:path';
import type { Logger } from 'pino';
import { SvrunError } from '../errors.js';
import { defaults } from '../defaults.js';
import type { LineSink } from './lines.js';
import type { ServiceState } from './machine.js';
import { scanServices } from './scan.js';
import { SETTING_FILES, readScale } from './config.js';
import { Standby } from './standby.js';
import { Unit, gathering, type Instance } from './unit.js';
import { orderProblems } from './needs.js';
import { growQueuedPipes } from '../os/pipesize.js';

/** One unit the services dir asks for: a service, or one instance of a scaled service. */
interface Slot {
  key: string;
  name: string;
  dir: string;
  instance: Instance;
}

/** Options for a Supervisor. */
export interface SupervisorOptions {
  dir: string;
  log: Logger;
  sink: LineSink;
  /** Restart services when their env changes (default true). */
  envReload?: boolean;
  /** Watch the services dir (default true). */
  watch?: boolean;
  /** The process whose signals stop svrun; injectable for tests. */
  proc?: EventEmitter;
  inherited?: Record<string, string | undefined>;
  /** Instances per service name (svrun up --scale web=3); overrides `scale` files. */
  scale?: Map<string, number>;
  /** Keep a warm process for restarts (standby.ts), once warmStandby() is called. */
  standby?: boolean;
}

/** Supervises a services dir until stopped. */
export class Supervisor {
  private units = new Map<string, Unit>();
  private problems = new Map<string, string>();
  private waiting = new Map<string, Unit>();
  private stopping: Promise<void> | null = null;
  private signals = 0;
  private rescanTimer: NodeJS.Timeout | null = null;
  private reloadTimers = new Map<string, NodeJS.Timeout>();
  private watcher: { close(): Promise<void> } | null = null;
  private scanning: Promise<void> = Promise.resolve();
  private starting: Promise<void> = Promise.resolve();
  private readonly proc: EventEmitter;
  private readonly standby: Standby | null;
  private readonly onSignal = (sig: NodeJS.Signals) => this.signal(sig);
  private stoppedResolve!: () => void;
  /** Resolves when every service has been stopped (after a signal or stop()). */
  readonly stopped = new Promise<void>((r) => { this.stoppedResolve = r; });

  constructor(private readonly opts: SupervisorOptions) {
    this.proc = opts.proc ?? process;
    this.standby = opts.standby ? new Standby() : null;
  }

  /** Forks the warm process restarts use: after bring-up, which it would only slow. */
  warmStandby(): void {
    if (!this.stopping) this.standby?.warm();
  }

  /** Scans and starts every service, then watches; resolves once the watch is in place. */
  start(): Promise<void> {
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) this.proc.on(sig, this.onSignal);
    this.starting = (async () => {
      await this.scan(true);
      if (this.opts.watch === false || this.stopping) return;
      await this.watch();
      // A dir that appeared while the watcher was getting ready was not reported: look once more.
      await this.scan();
    })();
    return this.starting;
  }

  /** The units by name, for status and tests. */
  get services(): Unit[] {
    return [...this.units.values()];
  }

  private signal(sig: NodeJS.Signals): void {
    this.signals++;
    if (this.signals === 1) {
      this.opts.log.info({ event: 'stopping', signal: sig }, `got ${sig}: stopping every service`);
      void this.stop();
      return;
    }
    // A second Ctrl-C (or TERM) does not wait for anyone.
    this.opts.log.warn({ event: 'force-stop', signal: sig }, `got ${sig} again: killing every service now`);
    for (const u of this.units.values()) u.forceKill();
  }

  /** Stops every service (loggers last), releases everything, removes signal handlers. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.starting.catch(() => {});
      if (this.rescanTimer) clearTimeout(this.rescanTimer);
      for (const t of this.reloadTimers.values()) clearTimeout(t);
      await this.watcher?.close();
      await this.scanning;
      await Promise.all([this.standby?.close(), ...[...this.units.values()].map((u) => u.stop())]);
      for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) this.proc.off(sig, this.onSignal);
      this.opts.log.info({ event: 'stopped' }, 'every service stopped');
      this.stoppedResolve();
    })();
    return this.stopping;
  }

  private scan(first = false): Promise<void> {
    this.scanning = this.scanning.then(() => this.reconcile(first)).catch((err) => {
      if (first) throw err;
      this.opts.log.error({ event: 'scan-failed' }, (err as Error).message);
    });
    return this.scanning;
  }

  // runsvdir's loop: start what is new, stop what has gone. A scaled service is one unit per
  // instance; instance 1 is the service dir itself, instance N keeps its state in instances/N.
  private async reconcile(first: boolean): Promise<void> {
    if (this.stopping) return;
    const warnings: string[] = [];
    const entries = await scanServices(this.opts.dir, warnings);
    for (const w of warnings) this.warnOnce(w, w);
    const slots: Slot[] = [];
    for (const e of entries) {
      if (e.problem) {
        this.warnOnce(e.key + e.problem, `${e.name}: ${e.problem}: not supervised until it is fixed`);
        continue;
      }
      let count: number;
      try {
        count = this.opts.scale?.get(e.name) ?? (await readScale(e.dir));
      } catch (err) {
        if (!(err instanceof SvrunError)) throw err;
        this.warnOnce(e.key + err.message, err.message, e.name);
        count = 1;
      }
      for (let index = 1; index <= count; index++) {
        slots.push({
          key: index === 1 ? e.key : `${e.key}#${index}`,
          name: count > 1 ? `${e.name}.${index}` : e.name,
          dir: e.dir,
          instance: { index, count, stateDir: index === 1 ? e.dir : join(e.dir, 'instances', String(index)) },
        });
      }
    }
    const seen = new Set(slots.map((e) => e.key));
    for (const [key, unit] of this.units) {
      if (seen.has(key)) continue;
      this.units.delete(key);
      this.waiting.delete(unit.instance.stateDir);
      this.opts.log.info({ event: 'removed', service: unit.name }, 'service dir removed or scaled down: stopping it');
      void unit.stop();
    }
    const todo = slots.filter((e) => !this.units.has(e.key));
    // Opening a unit waits on short helper processes (mkfifo, flock): open them side by side.
    const together = gathering(todo.length);
    const opened = await Promise.all(todo.map(async (e) => {
      try {
        return await Unit.create(e.name, e.dir, {
          servicesDir: this.opts.dir,
          log: this.opts.log,
          sink: this.opts.sink,
          inherited: this.opts.inherited ?? process.env,
          onChange: (u, s, prev) => this.changed(u, s, prev),
          together,
          standby: this.standby,
        }, e.instance);
      } catch (err) {
        if (!(err instanceof SvrunError)) throw err;
        this.warnOnce(e.key + err.message, `${err.message}`, e.name);
        return null;
      }
    }));
    const fresh: Unit[] = [];
    for (const [i, unit] of opened.entries()) {
      if (!unit) continue;
      if (this.stopping) {
        await unit.stop();
        continue;
      }
      this.units.set(todo[i]!.key, unit);
      fresh.push(unit);
    }
    if (first && entries.length === 0) {
      this.opts.log.warn({ event: 'empty' }, `no service dirs in ${this.opts.dir} yet; watching for them`);
    }
    await this.bootInOrder(fresh);
    // 'up' and other lines after a scan come once sv and svrun status find the started state
    await Promise.all(fresh.map((u) => u.written()));
  }

  // Services with a `needs` file wait until what they need is ready; a missing or cyclic need
  // keeps that service down with a clear reason.
  private async bootInOrder(fresh: Unit[]): Promise<void> {
    const byName = this.byService();
    const booted: Unit[] = [];
    const problems = orderProblems(fresh.map((u) => ({ name: u.service, needs: u.main.state.config.needs })), new Set(byName.keys()), (n) => byName.get(n)?.main.state.config.needs ?? []);
    // The capture pipes opened for these units grow before the services start, not after:
    // a service that floods from its first moment finds 1 MiB (or nearly: the helper runs
    // beside it), not 64 KiB it fills in a fifth of a millisecond.
    growQueuedPipes();
    for (const u of fresh) {
      const problem = problems.get(u.service);
      if (problem) {
        u.announce();
        this.opts.log.error({ event: 'needs', service: u.name }, `${problem}: not starting it`);
        continue;
      }
      if (this.needsReady(u, byName)) {
        u.startBoot();
        booted.push(u);
      } else {
        u.announce();
        this.waiting.set(u.instance.stateDir, u);
        this.opts.log.info({ event: 'waiting', service: u.name }, `waiting for ${u.main.state.config.needs.filter((n) => !byName.get(n)?.main.state.ready).join(', ')}`);
      }
    }
    // control and ok are made once the services run (Service.listen), in one mkfifo batch,
    // and before any state is written or logged: sv finds them when `started` is printed
    await Promise.all(fresh.map((u) => u.listen().catch((err: unknown) => {
      if (!(err instanceof SvrunError)) throw err;
      this.opts.log.error({ event: 'control', service: u.name }, `${err.message}; sv cannot control ${u.name}`);
    })));
    for (const u of booted) u.settle();
  }

  // `needs` names a service; of a scaled one, its first instance stands for it.
  private byService(): Map<string, Unit> {
    const m = new Map<string, Unit>();
    for (const u of this.units.values()) if (u.instance.index === 1) m.set(u.service, u);
    return m;
  }

  private needsReady(u: Unit, byName: Map<string, Unit>): boolean {
    return u.main.state.config.needs.every((n) => byName.get(n)?.main.state.ready);
  }

  private changed(_unit: Unit, s: ServiceState, prev: ServiceState): void {
    if (!s.ready || prev.ready || this.waiting.size === 0 || this.stopping) return;
    const byName = this.byService();
    for (const [dir, u] of this.waiting) {
      if (!this.needsReady(u, byName)) continue;
      this.waiting.delete(dir);
      u.boot();
    }
  }

  private warnOnce(key: string, msg: string, service?: string): void {
    if (this.problems.get(key) === msg) return;
    this.problems.set(key, msg);
    this.opts.log.warn({ event: 'skipped', ...(service ? { service } : {}) }, msg);
  }

  // chokidar events only schedule work: a rescan of the dir, or a reload of one service.
  private async watch(): Promise<void> {
    const { watch } = await import('chokidar');
    const root = this.opts.dir;
    const watcher = watch(root, {
      ignoreInitial: true,
      depth: 2,
      ignored: (path: string) => {
        const parts = relative(root, path).split(sep);
        // svrun writes supervise/ and logs itself: watching them would wake it for nothing.
        return parts.length >= 2 && (['supervise', 'log', 'instances'].includes(parts[1]!) || (parts.length === 3 && parts[1] !== 'env'));
      },
    });
    watcher.on('all', (_event: string, path: string) => this.changedPath(path));
    // chokidar says nothing when a service's env/ dir is moved away and a file env takes its
    // place at once (it still watches the old dir); the service dir's own inotify event does
    // name it. Settings entries seen that way go the same way as chokidar's events (debounced,
    // so the usual double report costs nothing).
    watcher.on('raw', (_event, name, details) => {
      const at = (details as { watchedPath?: string } | undefined)?.watchedPath;
      if (!name || !at || !SETTING_FILES.has(name)) return;
      const rel = relative(root, at); // a service dir: one level below root
      if (rel !== '' && rel !== '..' && !rel.includes(sep)) this.changedPath(join(at, name));
    });
    watcher.on('error', (err: unknown) => this.opts.log.warn({ event: 'watch-error' }, `watching ${root}: ${(err as Error).message}`));
    this.watcher = watcher;
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  private changedPath(path: string): void {
    if (this.stopping) return;
    const parts = relative(this.opts.dir, path).split(sep);
    const [svc, entry] = parts;
    if (parts.length === 1 && svc === '.env') {
      for (const u of this.units.values()) this.scheduleReload(u);
      return;
    }
    // env/, .env and settings files of a known service reload its units; run and scale rescan;
    // anything else in a service dir (an app's own files, an agent log) is none of svrun's business.
    const units = [...this.units.values()].filter((u) => basename(u.dir) === svc);
    if (units.length && entry !== undefined && entry !== 'run' && entry !== 'scale') {
      if (SETTING_FILES.has(entry)) for (const u of units) this.scheduleReload(u);
      return;
    }
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => {
      this.rescanTimer = null;
      void this.scan();
    }, 50);
  }

  private scheduleReload(unit: Unit): void {
    const key = unit.instance.stateDir;
    const t = this.reloadTimers.get(key);
    if (t) clearTimeout(t);
    this.reloadTimers.set(key, setTimeout(() => {
      this.reloadTimers.delete(key);
      if (!this.stopping) void unit.reload(this.opts.envReload !== false);
    }, defaults.envDebounceMs));
  }
}
