// The sv work-alike: applies one command to services and prints runit's sv lines
// (ok:/fail:/warning:/timeout:/kill: and status lines); resolves to sv's exit code.
import { fs, under } from '../os/syncfs.js';
import { SvrunError, djbError } from '../errors.js';
import type { StatusRecord } from '../supervise/status.js';
import { selectAction, type SvAction } from './commands.js';
import { formatStatusPart } from './format.js';
import { dirError, downFile, probe, readExtra, resolveService } from './probe.js';
import { resolveSvdir, resolveWait } from './settings.js';
import { listServices, statusJson } from './json.js';

/** Where sv output goes (stdout: per-service lines; stderr: warnings of check and down). */
export interface SvIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

/** sv's options plus svrun's: -d DIR (services dir, over SVDIR) and --json (status only). */
export interface SvOptions {
  verbose?: boolean;
  /** -w SEC, as given; implies verbose. */
  wait?: string;
  dir?: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

// sv polls every 420 ms; a shorter period reports a started service sooner.
const POLL_MS = 200;

interface Service { name: string; dir: string; live: boolean; listed?: boolean }

/** Runs `sv COMMAND SERVICE…`; resolves to the number of failures capped at 99 (sv's exit code). */
export async function runSv(command: string, names: string[], opts: SvOptions, io: SvIo): Promise<number> {
  const action = selectAction(command);
  if (!action) throw new SvrunError('USAGE', `unknown command: ${command} (see svrun --help)`);
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  // before any letter is written, so a bad setting changes nothing
  const wait = resolveWait(opts.wait, action.kind === 'status' ? {} : env);
  if (names.length === 0 && action.kind !== 'status') throw new SvrunError('USAGE', `${command}: no service given`);
  const svdir = resolveSvdir(opts.dir, env, '/etc/service/');
  // svrun extension: status with no names lists the services dir (default ./services, not /etc/service)
  const found = names.length > 0
    ? names.map((name) => ({ name, dir: resolveService(name, svdir, cwd) }))
    : listServices(resolveSvdir(opts.dir, env, './services'), cwd);
  // listServices has just seen each of its entries is a directory: enter() need not stat it again
  const services: Service[] = found.map((s) => ({ ...s, live: true, listed: names.length === 0 }));
  if (opts.json && action.kind === 'status') return statusJson(services, io);

  if (action.kind === 'status') {
    // one write for all the lines, not one per service: status of a hundred is a monitor's poll
    const lines: string[] = [];
    const run = new SvRun(action, { stdout: (s) => void lines.push(s), stderr: io.stderr });
    try {
      for (const svc of services) if (run.enter(svc)) run.status(svc);
    } finally {
      if (lines.length) io.stdout(lines.join(''));
    }
    return Math.min(run.rc, 99);
  }
  const run = new SvRun(action, io);
  for (const svc of services) {
    if (!run.enter(svc)) continue;
    if (action.kind === 'control' && run.control(svc, action.letters) === -1) svc.live = false;
  }
  if (action.wait || opts.verbose || opts.wait !== undefined) {
    await run.waitAll(services, wait);
  }
  return Math.min(run.rc, 99);
}

// One invocation's state, as sv.c's globals: failure count, start time, output.
class SvRun {
  rc = 0;
  readonly start = Date.now() / 1000;
  now = this.start;
  private readonly x: boolean;

  constructor(private readonly action: SvAction, private readonly io: SvIo) {
    this.x = action.letters.startsWith('x');
  }

  out(prefix: string, svc: Service, msg: string, err?: unknown, log = false): void {
    const why = err === undefined ? '' : `: ${djbError(err)}`;
    this.io.stdout(`${prefix}${svc.name}${log ? '/log' : ''}: ${msg}${why}\n`);
  }

  enter(svc: Service): boolean {
    const err = svc.listed ? undefined : dirError(svc.dir);
    if (!err) return true;
    this.rc++;
    this.out('fail: ', svc, 'unable to change to service directory', err);
    svc.live = false;
    return false;
  }

  /** svstatus_get: 1 with a record, 0 when no supervisor runs (message printed), -1 on warning. */
  get(svc: Service, log = false): { r: 1; rec: StatusRecord } | { r: 0 | -1 } {
    const p = probe(log ? under(svc.dir, 'log') : svc.dir);
    if (p.kind === 'ok') return { r: 1, rec: p.rec };
    if (p.kind === 'not-running') {
      if (this.x) this.out('ok: ', svc, 'runsv not running', undefined, log);
      else { this.rc++; this.out('fail: ', svc, 'runsv not running', undefined, log); }
      return { r: 0 };
    }
    this.rc++;
    this.out('warning: ', svc, p.msg, p.err, log);
    return { r: -1 };
  }

  part(svc: Service, name: string, rec: StatusRecord, dir = svc.dir): string | undefined {
    const down = downFile(dir);
    if (typeof down !== 'boolean') {
      this.io.stderr(`warning: unable to stat ${svc.name}/down: ${djbError(down)}\n`);
      return undefined;
    }
    return formatStatusPart(name, rec, { normallyDown: down, now: this.now });
  }

  status(svc: Service): void {
    const got = this.get(svc);
    if (got.r !== 1) return;
    let line = this.part(svc, svc.name, got.rec) ?? '';
    // only a service with no process can be one svrun gave up on
    const extra = got.rec.pid === 0 ? readExtra(svc.dir) : undefined;
    // svrun extension: a service svrun gave up on says why (see format.ts)
    if (extra?.failed === true) line += `, failed: ${String(extra.reason ?? 'unknown')}`;
    const logDir = under(svc.dir, 'log');
    const err = dirError(logDir);
    if (err?.code === 'ENOENT') { this.io.stdout(`${line}\n`); return; }
    this.io.stdout(`${line}; `);
    if (err) { this.rc++; this.out('warning: ', svc, 'unable to change directory', err, true); return; }
    // sv prints the log line even after a warning, from the record it already had
    const log = this.get(svc, true);
    if (log.r === 0) return;
    const rec = log.r === 1 ? log.rec : got.rec;
    this.io.stdout(`${this.part(svc, 'log', rec, logDir) ?? ''}\n`);
  }

  /** sv's control(): skip rule, then write the letters; -1 = give up on this service. */
  control(svc: Service, letters: string): number {
    const got = this.get(svc);
    if (got.r !== 1) return -1;
    const first = letters.charAt(0);
    if (got.rec.want === first && (first !== 'd' || got.rec.term)) return 0;
    let fd: number;
    try {
      fd = fs.openSync(under(svc.dir, 'supervise/control'), fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO') { this.rc++; this.out('warning: ', svc, 'unable to open supervise/control', err); }
      else if (this.x) this.out('ok: ', svc, 'runsv not running');
      else { this.rc++; this.out('fail: ', svc, 'runsv not running'); }
      return -1;
    }
    try {
      if (fs.writeSync(fd, letters, null, 'latin1') !== letters.length) throw new Error('short write');
    } catch (err) {
      this.rc++;
      this.out('warning: ', svc, 'unable to write to supervise/control', err);
      return -1;
    } finally {
      fs.closeSync(fd);
    }
    return 1;
  }

  /** sv's check(): 1 done (ok: printed), 0 not yet, -1 give up. */
  async check(svc: Service): Promise<number> {
    const got = this.get(svc);
    if (got.r !== 1) return got.r === 0 && this.x ? 1 : -1;
    const startSec = Math.floor(this.start);
    // Loaded only when waiting: plain status must not pay for child_process.
    const checkOk = async () => (await import('./checkscript.js')).runCheckScript(svc.dir, svc.name, (s) => this.io.stderr(s));
    // loaded here: plain status never checks
    const { isDone } = await import('./done.js');
    if (!(await isDone(this.action.letters, got.rec, startSec, checkOk))) return 0;
    this.io.stdout(`ok: ${this.part(svc, svc.name, got.rec) ?? ''}\n`);
    return 1;
  }

  /** Polls every live service until done or `wait` seconds have passed (then timeout:/kill:). */
  async waitAll(services: Service[], wait: number): Promise<void> {
    for (;;) {
      const elapsed = this.now - this.start;
      let pending = false;
      for (const svc of services) {
        if (!svc.live) continue;
        if (!this.enter(svc)) continue;
        const r = await this.check(svc);
        if (r !== 0) { svc.live = false; continue; }
        if (elapsed > wait) {
          this.timeout(svc);
          svc.live = false;
          continue;
        }
        pending = true;
      }
      if (!pending) return;
      // a plain timer, not node:timers/promises: status, which never waits, would load it for nothing
      await new Promise((r) => setTimeout(r, POLL_MS));
      this.now = Date.now() / 1000;
    }
  }

  private timeout(svc: Service): void {
    this.io.stdout(this.action.kill ? 'kill: ' : 'timeout: ');
    const got = this.get(svc);
    if (got.r === 1) { this.io.stdout(this.part(svc, svc.name, got.rec) ?? ''); this.rc++; }
    this.io.stdout('\n');
    if (this.action.kill) this.control(svc, 'k');
  }
}
