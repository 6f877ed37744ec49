// A service dir as runsv sees it: the main service and, when log/run exists, its logger,
// joined by a pipe that outlives both. Loggers start first and stop last.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { premakeSuperviseDir } from '../supervise/files.js';
import { resolveServiceEnv } from '../envdir/resolve.js';
import { newRelicFor } from '../wrap/newrelic/wrap.js';
import { readServiceConfig } from './config.js';
import type { LineSink } from './lines.js';
import { openLogPipe, type LogPipe } from './logpipe.js';
import type { ServiceState } from './machine.js';
import { Service, type ServiceIo } from './service.js';
import type { Standby } from './standby.js';
import { captureDir, fileSink, openCapture, teeSink } from './capture.js';
import { OUT_FIFOS, openOutPipes, type OutPipes } from './outpipe.js';
import type { LogWriter } from '../log/writer.js';

// How long a stopping service's captured output may take to reach a refusing disk.
const CAPTURE_CLOSE_MS = 5000;
// How long a stop-all holds a service's "stopping" state back from disk: a service that is
// down sooner has only its final state written (supervise/write.ts hold()).
const STOPPING_HOLD_MS = 100;

/** What every unit shares with the supervisor. */
export interface UnitContext {
  servicesDir: string;
  log: Logger;
  sink: LineSink;
  inherited: Record<string, string | undefined>;
  onChange: (unit: Unit, s: ServiceState, prev: ServiceState) => void;
  /**
   * Resolves once every unit of this scan has read its settings (see gathering()): they then
   * open their supervise/ dirs in one tick, so one mkfifo run and one flock helper serve all.
   */
  together: (settings: Promise<unknown>) => Promise<void>;
  /** The warm process restarts use (standby.ts), if svrun keeps one. */
  standby?: Standby | null;
}

/** Which of the instances of a scaled service a unit is (index 1 is the service dir itself). */
export interface Instance {
  index: number;
  count: number;
  /** Where this instance's supervise/ (and log/supervise/) live. */
  stateDir: string;
}

/** The only instance of an unscaled service. */
export function single(dir: string): Instance {
  return { index: 1, count: 1, stateDir: dir };
}

/** A service dir under supervision. */
export class Unit {
  private constructor(
    readonly name: string,
    readonly dir: string,
    readonly instance: Instance,
    readonly main: Service,
    readonly logger: Service | null,
    private readonly pipe: LogPipe | null,
    private readonly capture: LogWriter | null,
    private readonly out: OutPipes | null,
    private readonly ctx: UnitContext,
  ) {}

  /** Reads settings and env, takes the locks; throws a one-line SvrunError when it cannot. */
  static async create(name: string, dir: string, ctx: UnitContext, instance: Instance = single(dir)): Promise<Unit> {
    const log = ctx.log.child({ service: name });
    const stateDir = instance.stateDir;
    const logDir = join(dir, 'log');
    const hasLog = isDir(logDir) && existsSync(join(logDir, 'run'));
    // everything that can throw before the gathering is in settings: a unit that never arrived
    // would hold the others back
    const settings = (async () => {
      if (stateDir !== dir) mkdirSync(stateDir, { recursive: true });
      return Promise.all([readServiceConfig(dir), loadEnv(name, dir, ctx, true, instance), premakeDirs(stateDir, hasLog)]);
    })();
    await ctx.together(settings);
    const [config, env] = await settings;
    let pipe: LogPipe | null = null;
    let logger: Service | null = null;
    let self: Unit | null = null;
    let capture: LogWriter | null = null;
    let out: OutPipes | null = null;
    // Shared by reference: once the log pipe or the capture pipes exist, run writes into them.
    const io: ServiceIo = { sink: ctx.sink, fifos: hasLog ? [] : OUT_FIFOS };
    const main = new Service({
      name, dir, stateDir, config, env: env.env, log, io, standby: ctx.standby ?? null,
      onChange: (s, prev) => self && ctx.onChange(self, s, prev),
    });
    main.envError = env.error;
    try {
      await main.open();
      if (hasLog) {
        const logLog = ctx.log.child({ service: `${name}/log` });
        const [logConfig, logEnv] = await Promise.all([readServiceConfig(logDir), loadEnv(`${name}/log`, logDir, ctx, false)]);
        pipe = await openLogPipe(join(stateDir, 'supervise'));
        logger = new Service({
          name: `${name}/log`, dir: logDir, stateDir: join(stateDir, 'log'), config: logConfig, env: logEnv.env, log: logLog,
          io: { sink: ctx.sink, stdin: pipe.readFd },
          ignore: 'x',
        });
        logger.envError = logEnv.error;
        await logger.open();
        io.stdout = pipe.writeFd;
      } else {
        // Instances past the first capture into their own state dir.
        capture = await openCapture(stateDir, log);
        const sink = teeSink(ctx.sink, fileSink(capture));
        const pipes = openOutPipes(join(stateDir, 'supervise'), name, sink);
        out = pipes;
        Object.assign(io, { sink, stdout: pipes.stdoutFd, stderr: pipes.stderrFd, exited: () => pipes.drain() });
      }
    } catch (err) {
      main.close();
      logger?.close();
      pipe?.close();
      out?.close();
      await capture?.close(0).catch(() => {});
      throw err;
    }
    self = new Unit(name, dir, instance, main, logger, pipe, capture, out, ctx);
    return self;
  }

  /** The service's name: of a scaled service's instance `web.2`, `web`. */
  get service(): string {
    return this.instance.count > 1 ? this.name.slice(0, this.name.lastIndexOf('.')) : this.name;
  }

  /** Makes the control FIFOs of both services; a bring-up calls it once they run. */
  async listen(): Promise<void> {
    await Promise.all([this.main.listen(), this.logger?.listen()]);
  }

  /** Starts the logger, then the main service. */
  boot(): void {
    this.startBoot();
    this.settle();
  }

  /** boot() in two halves, for a bring-up: start everything first, write files after (Service.startBoot). */
  startBoot(): void {
    this.logger?.startBoot();
    this.main.startBoot();
  }

  settle(): void {
    this.logger?.settle();
    this.main.settle();
  }

  /** Resolves once the supervise/ files of both services say what their state is now. */
  async written(): Promise<void> {
    await Promise.all([this.main.written(), this.logger?.written()]);
  }

  /** Writes the supervise/ files of a unit that is not booted now (it waits, or cannot start). */
  announce(): void {
    this.logger?.announce();
    this.main.announce();
  }

  /** Stops the main service, lets the logger read to the end, and releases everything. */
  async stop(): Promise<void> {
    // a stop-all stops a hundred services at once: their files go to the thread pool
    this.main.deferWrites = true;
    if (this.logger) this.logger.deferWrites = true;
    // only a running service has a "stopping" state that a later one replaces
    if (this.main.state.pid) this.main.holdWrites(STOPPING_HOLD_MS);
    this.main.control('x');
    await this.main.gone;
    if (this.logger) {
      this.pipe?.closeWriters();
      this.logger.dispatch({ type: 'drain', now: Date.now() });
      await this.logger.gone;
    }
    this.pipe?.close();
    this.out?.close();
    try {
      await this.capture?.close(CAPTURE_CLOSE_MS);
    } catch (err) {
      this.ctx.log.child({ service: this.name }).error({ event: 'log-write' }, (err as Error).message);
    }
  }

  /** SIGKILLs everything the unit runs now. */
  forceKill(): void {
    this.main.forceKill();
    this.logger?.forceKill();
  }

  /** Re-reads settings and env; restarts the main service when its env changed and reload is on. */
  async reload(envReload: boolean): Promise<void> {
    for (const svc of [this.main, this.logger]) {
      if (!svc) continue;
      const log = this.ctx.log.child({ service: svc.name });
      let config;
      try {
        config = await readServiceConfig(svc.dir);
      } catch (err) {
        log.warn({ event: 'config-rejected' }, `${(err as Error).message}; keeping the previous settings`);
        continue;
      }
      svc.dispatch({ type: 'config', config, now: Date.now() });
      const env = await loadEnv(svc.name, svc.dir, this.ctx, svc === this.main, this.instance);
      if (env.error) {
        log.warn({ event: 'env-rejected' }, `env rejected: ${env.error}; ${svc.env ? 'keeping the previous environment' : 'not starting'}`);
        continue;
      }
      if (svc.env && sameEnv(svc.env, env.env!)) continue;
      const had = svc.env !== null;
      svc.env = env.env;
      svc.envError = null;
      if (!envReload || !config.envReload) {
        log.info({ event: 'env-changed' }, 'env changed; applies at the next start (env reload is off)');
      } else if (had || svc.state.want === 'up') {
        log.info({ event: 'env-changed' }, 'env changed');
        svc.dispatch({ type: 'restart', reason: 'env changed', now: Date.now() });
      }
    }
  }
}

// The env a service starts with: resolved from its files, svrun's own variables added, and
// wrapped for the New Relic agent when it asks for it (never for a logger).
async function loadEnv(name: string, dir: string, ctx: UnitContext, app = true, instance?: Instance): Promise<{ env: Record<string, string> | null; error: string | null }> {
  const log = ctx.log.child({ service: name });
  let env: Record<string, string>;
  try {
    const r = await resolveServiceEnv(dir, { inherited: ctx.inherited, servicesDir: ctx.servicesDir });
    for (const w of r.warnings) log.warn({ event: 'env-warning' }, w);
    env = r.env;
  } catch (err) {
    return { env: null, error: (err as Error).message };
  }
  // Lets a run script that also serves under runit skip applying env/ a second time.
  env.SVRUN_SERVICE = name;
  if (instance && instance.count > 1) {
    // foreman's convention: instances listen on consecutive ports from PORT (default 5000).
    const base = /^\d+$/.test(env.PORT ?? '') ? Number(env.PORT) : 5000;
    env.PORT = String(base + instance.index - 1);
    env.SVRUN_INSTANCE = String(instance.index);
  }
  if (!app) return { env, error: null };
  const nr = newRelicFor(env, { name, dir });
  for (const w of nr.warnings) log.warn({ event: 'newrelic' }, w);
  return { env: nr.env, error: null };
}

function sameEnv(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Makes the dirs open() would otherwise make one by one (supervise/, and the capture dir when
 * it is supervise/log), in the thread pool, side by side with the other units' reads: for 100
 * services, 79 ms one by one, 42 ms side by side. What is not plain is left to open().
 */
async function premakeDirs(stateDir: string, hasLog: boolean): Promise<void> {
  const supervise = await premakeSuperviseDir(stateDir);
  if (hasLog) return; // log/run takes the output: no capture
  const capture = captureDir(stateDir);
  if (capture.startsWith(`${supervise}/`)) await mkdir(capture).catch(() => {});
}

/**
 * A gathering point for n units: each passes its settings read, and all continue in the same
 * tick once every read has settled (failed reads count: their unit stops there). Reads finish
 * one by one in the thread pool; without this, the units opening first would start the mkfifo
 * and flock helpers for themselves and the rest would need a second run of each.
 */
export function gathering(n: number): (settings: Promise<unknown>) => Promise<void> {
  let left = n;
  let release!: () => void;
  const all = new Promise<void>((resolve) => { release = resolve; });
  return async (settings) => {
    await settings.then(() => undefined, () => undefined);
    if (--left <= 0) release();
    await all;
  };
}
