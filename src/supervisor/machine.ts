// The supervisor of one service as a pure function: step(state, event) → { state, effects }.
// Time is an input (every event carries `now`); effects are data the runner performs.
// The state splits as runsv's does: what runs (phase), what is wanted (want), and flags.
import { constants } from 'node:os';
import type { ServiceConfig } from './config.js';

/** Control letters runsv accepts on supervise/control. */
export type ControlLetter = 'u' | 'd' | 'o' | 'p' | 'c' | 'h' | 'a' | 'i' | 'q' | '1' | '2' | 't' | 'k' | 'x';

/** The one pending timer of a service, and what it is for. */
export interface Deadline {
  at: number;
  why: 'restart' | 'kill' | 'finish';
}

/** How a process ended: exit code, or the signal that killed it. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Everything svrun knows about one supervised service. */
export interface ServiceState {
  phase: 'down' | 'run' | 'finish';
  want: 'up' | 'down' | 'exit';
  paused: boolean;
  /** The down signal (or t) was sent to the current run. */
  termSent: boolean;
  /** An env change asked for this exit; it does not count as a crash. */
  restarting: boolean;
  /** pid of run (phase run) or finish (phase finish); 0 when none is known. */
  pid: number;
  /** Status timestamp: when run last started, or when the service last went down. */
  stamp: number;
  /** When run last started (throttle and backoff are measured from it). */
  startedAt: number;
  /** Consecutive quick deaths. */
  failures: number;
  /** Set when svrun gave up restarting; the reason is shown by status. */
  failed: string | null;
  ready: boolean;
  restarts: number;
  lastExit: ExitInfo | null;
  deadline: Deadline | null;
  config: ServiceConfig;
}

/** Inputs to the machine. */
export type Event =
  | { type: 'boot'; now: number; down: boolean }
  | { type: 'control'; cmd: ControlLetter; now: number }
  | { type: 'spawned'; proc: 'run' | 'finish'; pid: number; now: number }
  | { type: 'exited'; proc: 'run' | 'finish'; exit: ExitInfo; now: number }
  | { type: 'deadline'; now: number }
  | { type: 'ready'; now: number }
  | { type: 'restart'; reason: string; now: number }
  | { type: 'drain'; now: number }
  | { type: 'config'; config: ServiceConfig; now: number };

/** What the runner must do. */
export type Effect =
  | { type: 'spawn'; proc: 'run' }
  | { type: 'spawn'; proc: 'finish'; args: [string, string] }
  | { type: 'kill'; pid: number; signal: NodeJS.Signals; group: boolean }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; event: string; msg: string; data?: Record<string, unknown> }
  | { type: 'gone' };

/** The result of one step. */
export interface Step {
  state: ServiceState;
  effects: Effect[];
}

/** A fresh service that has not booted yet (phase down, want up). */
export function initialState(config: ServiceConfig, now: number): ServiceState {
  return {
    phase: 'down', want: 'up', paused: false, termSent: false, restarting: false, pid: 0,
    stamp: now, startedAt: 0, failures: 0, failed: null, ready: false, restarts: 0,
    lastExit: null, deadline: null, config,
  };
}

const LETTER_SIGNALS: Partial<Record<ControlLetter, NodeJS.Signals>> = {
  h: 'SIGHUP', a: 'SIGALRM', i: 'SIGINT', q: 'SIGQUIT', '1': 'SIGUSR1', '2': 'SIGUSR2', k: 'SIGKILL',
};

/** Advances one service by one event. Pure: no I/O, no clock. */
export function step(s: ServiceState, e: Event): Step {
  switch (e.type) {
    case 'boot':
      if (e.down) return { state: { ...s, want: 'down', stamp: e.now }, effects: [] };
      return start({ ...s, want: 'up' }, e.now);
    case 'control':
      return control(s, e.cmd, e.now);
    case 'spawned':
      if ((e.proc === 'run') !== (s.phase === 'run')) return { state: s, effects: [] };
      return { state: { ...s, pid: e.pid }, effects: [] };
    case 'exited':
      return e.proc === 'run' ? runExited(s, e.exit, e.now) : finishExited(s, e.exit, e.now);
    case 'deadline':
      return deadline(s, e.now);
    case 'ready':
      if (s.phase !== 'run' || s.ready) return { state: s, effects: [] };
      // Only worth a line when there was something to wait for.
      if (!s.config.hasCheck && !s.config.notificationFd) return { state: { ...s, ready: true }, effects: [] };
      return { state: { ...s, ready: true }, effects: [log('info', 'ready', 'ready')] };
    case 'restart':
      return restart(s, e.reason, e.now);
    case 'config':
      return { state: { ...s, config: e.config }, effects: [] };
    case 'drain':
      // A logger whose input is closed: let it read to EOF and exit, SIGKILL if it will not.
      if (s.phase === 'down') return { state: { ...s, want: 'exit', deadline: null }, effects: [{ type: 'gone' }] };
      return { state: { ...s, want: 'exit', deadline: { at: e.now + s.config.killTimeoutMs, why: 'kill' } }, effects: [] };
    default:
      return assertNever(e);
  }
}

function control(s: ServiceState, cmd: ControlLetter, now: number): Step {
  switch (cmd) {
    case 'u': {
      const up: ServiceState = { ...s, want: 'up', failed: null };
      if (s.phase !== 'down') return { state: up, effects: [] };
      // As runsv: u starts a down service at once; being asked is not a restart storm.
      return start({ ...up, failures: 0 }, now);
    }
    case 'o':
      if (s.phase === 'down') return start({ ...s, want: 'down', failed: null }, now);
      return { state: { ...s, want: 'down' }, effects: [] };
    case 'd':
      return stop({ ...s, want: 'down' }, now);
    case 'x':
      if (s.phase === 'down') return { state: { ...s, want: 'exit', deadline: null }, effects: [{ type: 'gone' }] };
      return stop({ ...s, want: 'exit' }, now);
    case 'p':
      return { state: { ...s, paused: true }, effects: s.phase === 'run' ? signal(s, 'SIGSTOP') : [] };
    case 'c':
      return { state: { ...s, paused: false }, effects: s.phase === 'run' ? signal(s, 'SIGCONT') : [] };
    case 't':
      // runsv: TERM only, no CONT while want is up, so a paused service stays stopped.
      if (s.phase !== 'run') return { state: s, effects: [] };
      return { state: { ...s, termSent: true }, effects: signal(s, 'SIGTERM') };
    default: {
      const sig = LETTER_SIGNALS[cmd];
      if (!sig || s.phase !== 'run') return { state: s, effects: [] };
      return { state: s, effects: signal(s, sig) };
    }
  }
}

// Stopping goes to the whole process group, so no grandchild survives; CONT wakes a paused one.
function stop(s: ServiceState, now: number): Step {
  if (s.phase === 'finish') return { state: s, effects: [] };
  if (s.phase === 'down') return { state: { ...s, deadline: null }, effects: [] };
  const effects: Effect[] = s.pid
    ? [kill(s.pid, s.config.downSignal, true), kill(s.pid, 'SIGCONT', true)]
    : [];
  return {
    state: { ...s, termSent: true, deadline: { at: now + s.config.killTimeoutMs, why: 'kill' } },
    effects,
  };
}

function restart(s: ServiceState, reason: string, now: number): Step {
  const logged = log('info', 'restart', `restarting: ${reason}`);
  if (s.phase === 'run') {
    const r = stop({ ...s, restarting: true }, now);
    return { state: r.state, effects: [logged, ...r.effects] };
  }
  if (s.phase === 'down' && s.want === 'up' && !s.failed) {
    const r = startAt({ ...s, failures: 0 }, Math.max(now, s.startedAt + s.config.throttleMs), now);
    return { state: r.state, effects: [logged, ...r.effects] };
  }
  return { state: s, effects: [] };
}

function runExited(s: ServiceState, exit: ExitInfo, now: number): Step {
  if (s.phase !== 'run') return { state: s, effects: [] };
  const pid = s.pid;
  const expected = exit.code === 0 || s.termSent || s.restarting;
  const effects: Effect[] = [log(expected ? 'info' : 'warn', 'exited', `exited ${describeExit(exit)}`, { pid, ...exit })];
  // A stopped service takes what is left of its process group with it.
  if (s.want !== 'up' && pid) effects.push(kill(pid, 'SIGKILL', true));
  const asked = s.termSent || s.restarting;
  const lived = now - s.startedAt;
  const failures = asked || lived >= s.config.stableMs ? 0 : s.failures + 1;
  const next: ServiceState = {
    ...s, pid: 0, termSent: false, restarting: false, ready: false, lastExit: exit, failures, deadline: null,
  };
  if (s.config.hasFinish) {
    const args: [string, string] = [exit.signal ? '-1' : String(exit.code ?? 0), String(exit.signal ? signalNumber(exit.signal) : 0)];
    return {
      state: { ...next, phase: 'finish', deadline: { at: now + s.config.finishTimeoutMs, why: 'finish' } },
      effects: [...effects, { type: 'spawn', proc: 'finish', args }],
    };
  }
  const r = cycleDone(next, now, null);
  return { state: r.state, effects: [...effects, ...r.effects] };
}

function finishExited(s: ServiceState, exit: ExitInfo, now: number): Step {
  if (s.phase !== 'finish') return { state: s, effects: [] };
  return cycleDone({ ...s, pid: 0, deadline: null }, now, exit);
}

// run (and finish) are over: go down, then restart by the policy if still wanted up.
function cycleDone(s: ServiceState, now: number, finish: ExitInfo | null): Step {
  const down: ServiceState = { ...s, phase: 'down', stamp: now, pid: 0 };
  if (s.want === 'exit') return { state: down, effects: [{ type: 'gone' }] };
  if (finish?.code === 125) {
    // s6: finish exiting 125 means "do not restart".
    return { state: { ...down, want: 'down' }, effects: [log('warn', 'no-restart', 'finish exited 125: not restarting')] };
  }
  if (s.want !== 'up') return { state: down, effects: [] };
  const c = s.config;
  if (c.failAfter > 0 && s.failures >= c.failAfter) {
    const within = c.stableMs % 1000 === 0 ? `${c.stableMs / 1000}s` : `${c.stableMs} ms`;
    const reason = `exited ${s.failures} times within ${within} of starting`;
    return {
      state: { ...down, want: 'down', failed: reason },
      effects: [log('error', 'failed', `failed: ${reason}; not restarting until told to (svrun up/restart)`)],
    };
  }
  // runit's rule: never sooner than throttleMs after the previous start; then doubling per
  // consecutive quick death, capped.
  const backoff = s.failures <= 1 ? 0 : Math.min(c.backoffMaxMs, c.throttleMs * 2 ** (s.failures - 1));
  const at = Math.max(s.startedAt + c.throttleMs, now + backoff);
  return startAt(down, at, now);
}

function startAt(s: ServiceState, at: number, now: number): Step {
  if (at <= now) return start(s, now);
  return {
    state: { ...s, deadline: { at, why: 'restart' } },
    effects: [log('info', 'backoff', `restarting in ${at - now} ms`, { delayMs: at - now, failures: s.failures })],
  };
}

function start(s: ServiceState, now: number): Step {
  return {
    state: {
      ...s, phase: 'run', pid: 0, stamp: now, startedAt: now, paused: false, termSent: false,
      ready: false, deadline: null, restarts: s.startedAt ? s.restarts + 1 : s.restarts,
    },
    effects: [{ type: 'spawn', proc: 'run' }],
  };
}

function deadline(s: ServiceState, now: number): Step {
  const d = s.deadline;
  if (!d || now < d.at) return { state: s, effects: [] };
  const cleared = { ...s, deadline: null };
  switch (d.why) {
    case 'restart':
      return s.phase === 'down' && s.want === 'up' ? start(cleared, now) : { state: cleared, effects: [] };
    case 'kill':
      if (s.phase !== 'run' || !s.pid) return { state: cleared, effects: [] };
      return {
        state: cleared,
        effects: [log('warn', 'kill', `did not stop within ${s.config.killTimeoutMs} ms: sending SIGKILL`), kill(s.pid, 'SIGKILL', true)],
      };
    case 'finish':
      if (s.phase !== 'finish' || !s.pid) return { state: cleared, effects: [] };
      return {
        state: cleared,
        effects: [log('warn', 'finish-timeout', `finish ran longer than ${s.config.finishTimeoutMs} ms: sending SIGKILL`), kill(s.pid, 'SIGKILL', false)],
      };
    default:
      return assertNever(d.why);
  }
}

// Control signals go to the pid alone, as runsv sends them.
function signal(s: ServiceState, sig: NodeJS.Signals): Effect[] {
  return s.pid ? [kill(s.pid, sig, false)] : [];
}

function kill(pid: number, sig: NodeJS.Signals, group: boolean): Effect {
  return { type: 'kill', pid, signal: sig, group };
}

function log(level: 'info' | 'warn' | 'error', event: string, msg: string, data?: Record<string, unknown>): Effect {
  return data ? { type: 'log', level, event, msg, data } : { type: 'log', level, event, msg };
}

/** "with code 3" / "on signal SIGKILL". */
export function describeExit(exit: ExitInfo): string {
  return exit.signal ? `on signal ${exit.signal}` : `with code ${exit.code ?? 0}`;
}

/** The number of a signal name (finish's second argument: runit passes the wait status' low byte). */
export function signalNumber(sig: NodeJS.Signals): number {
  return constants.signals[sig] ?? 0;
}

function assertNever(x: never): never {
  throw new Error(`unhandled: ${JSON.stringify(x)}`);
}
