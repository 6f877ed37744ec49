// Tier 1: the state machine alone. No processes, no timers: events in, state and effects out.
import { describe, expect, it } from 'vitest';
import { defaultConfig, type ServiceConfig } from '../../src/supervisor/config.js';
import { initialState, step, type ControlLetter, type Effect, type Event, type ServiceState } from '../../src/supervisor/machine.js';

const T0 = 1_000_000;

function cfg(over: Partial<ServiceConfig> = {}): ServiceConfig {
  return { ...defaultConfig, ...over };
}

/** Feeds events in order; returns the final state and every effect, in order. */
function run(s: ServiceState, events: Event[]): { state: ServiceState; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const e of events) {
    const r = step(s, e);
    s = r.state;
    effects.push(...r.effects);
  }
  return { state: s, effects };
}

const nonLog = (effects: Effect[]) => effects.filter((e) => e.type !== 'log');
const logs = (effects: Effect[]) => effects.filter((e): e is Extract<Effect, { type: 'log' }> => e.type === 'log').map((e) => e.event);

/** A service that booted at T0 and whose run has pid 100. */
function running(over: Partial<ServiceConfig> = {}): ServiceState {
  return run(initialState(cfg(over), T0), [
    { type: 'boot', now: T0, down: false },
    { type: 'spawned', proc: 'run', pid: 100, now: T0 },
  ]).state;
}

function exited(s: ServiceState, now: number, code: number | null = 1, signal: NodeJS.Signals | null = null) {
  return step(s, { type: 'exited', proc: 'run', exit: { code, signal }, now });
}

describe('boot', () => {
  it('starts run at boot when there is no down file', () => {
    const r = step(initialState(cfg(), T0), { type: 'boot', now: T0, down: false });
    expect(r.state.phase).toBe('run');
    expect(r.state.want).toBe('up');
    expect(r.effects).toEqual([{ type: 'spawn', proc: 'run' }]);
  });

  it('stays down with want down when a down file exists', () => {
    const r = step(initialState(cfg(), T0), { type: 'boot', now: T0, down: true });
    expect(r.state.phase).toBe('down');
    expect(r.state.want).toBe('down');
    expect(r.effects).toEqual([]);
  });

  it('records the pid reported by the runner', () => {
    expect(running().pid).toBe(100);
  });
});

describe('restart policy', () => {
  it('restarts run no sooner than 1s after the previous start (runit rule)', () => {
    const r = exited(running(), T0 + 200);
    expect(r.state.phase).toBe('down');
    expect(r.state.deadline).toEqual({ at: T0 + 1000, why: 'restart' });
    expect(nonLog(r.effects)).toEqual([]);
    const later = step(r.state, { type: 'deadline', now: T0 + 1000 });
    expect(later.state.phase).toBe('run');
    expect(later.effects).toEqual([{ type: 'spawn', proc: 'run' }]);
    expect(later.state.restarts).toBe(1);
  });

  it('restarts at once when run lived longer than the throttle', () => {
    const r = exited(running(), T0 + 1500);
    expect(r.state.phase).toBe('run');
    expect(nonLog(r.effects)).toEqual([{ type: 'spawn', proc: 'run' }]);
  });

  it('ignores a deadline that fires early', () => {
    const r = exited(running(), T0 + 200);
    const early = step(r.state, { type: 'deadline', now: T0 + 999 });
    expect(early.state).toBe(r.state);
    expect(early.effects).toEqual([]);
  });

  it('doubles the delay for each consecutive quick death, up to the cap', () => {
    let s = running({ failAfter: 0, backoffMaxMs: 8000 });
    const delays: number[] = [];
    let now = T0;
    for (let i = 0; i < 6; i++) {
      now += 100;
      const r = exited(s, now);
      const at = r.state.deadline!.at;
      delays.push(at - now);
      const started = step(r.state, { type: 'deadline', now: at });
      s = step(started.state, { type: 'spawned', proc: 'run', pid: 200 + i, now: at }).state;
      now = at;
    }
    // first: until 1 s after start (900 ms after a 100 ms life); then 2, 4, 8, 8, 8 s.
    expect(delays).toEqual([900, 2000, 4000, 8000, 8000, 8000]);
  });

  it('resets the crash count once run has stayed up for the stable time', () => {
    let s = running({ stableMs: 5000 });
    s = exited(s, T0 + 100).state;
    s = step(s, { type: 'deadline', now: T0 + 1000 }).state;
    expect(s.failures).toBe(1);
    const r = exited(s, T0 + 1000 + 6000);
    expect(r.state.failures).toBe(0);
    expect(r.state.phase).toBe('run');
  });

  it('marks a crash-looping service failed after the limit and stops restarting', () => {
    let s = running({ failAfter: 3 });
    let now = T0;
    for (let i = 0; i < 2; i++) {
      now += 50;
      s = exited(s, now).state;
      now = s.deadline!.at;
      s = step(s, { type: 'deadline', now }).state;
    }
    const r = exited(s, now + 50);
    expect(r.state.failed).toMatch(/exited 3 times/);
    expect(r.state.want).toBe('down');
    expect(r.state.phase).toBe('down');
    expect(r.state.deadline).toBeNull();
    expect(logs(r.effects)).toContain('failed');
  });

  it('clears the failed state on u and starts at once', () => {
    let s = running({ failAfter: 1 });
    s = exited(s, T0 + 50).state;
    expect(s.failed).not.toBeNull();
    const r = step(s, { type: 'control', cmd: 'u', now: T0 + 60 });
    expect(r.state.failed).toBeNull();
    expect(r.state.failures).toBe(0);
    expect(r.effects).toEqual([{ type: 'spawn', proc: 'run' }]);
  });

  it('retries forever when the fail limit is 0, as runit does', () => {
    let s = running({ failAfter: 0 });
    let now = T0;
    for (let i = 0; i < 20; i++) {
      now += 10;
      s = exited(s, now).state;
      expect(s.failed).toBeNull();
      now = s.deadline!.at;
      s = step(s, { type: 'deadline', now }).state;
    }
    expect(s.phase).toBe('run');
  });

  it('does not count an exit it asked for as a crash', () => {
    let s = running();
    s = step(s, { type: 'control', cmd: 't', now: T0 + 10 }).state;
    const r = exited(s, T0 + 20, null, 'SIGTERM');
    expect(r.state.failures).toBe(0);
    expect(r.state.deadline).toEqual({ at: T0 + 1000, why: 'restart' });
  });
});

describe('finish', () => {
  it('runs finish with the exit code and 0 after a normal exit', () => {
    const r = exited(running({ hasFinish: true }), T0 + 2000, 7);
    expect(r.state.phase).toBe('finish');
    expect(nonLog(r.effects)).toEqual([{ type: 'spawn', proc: 'finish', args: ['7', '0'] }]);
    expect(r.state.deadline).toEqual({ at: T0 + 2000 + defaultConfig.finishTimeoutMs, why: 'finish' });
  });

  it('runs finish with -1 and the signal number after a signalled death', () => {
    const r = exited(running({ hasFinish: true }), T0 + 2000, null, 'SIGKILL');
    expect(nonLog(r.effects)).toEqual([{ type: 'spawn', proc: 'finish', args: ['-1', '9'] }]);
  });

  it('restarts run after finish exits, counting finish time towards the 1s rule', () => {
    let s = exited(running({ hasFinish: true }), T0 + 300).state;
    s = step(s, { type: 'spawned', proc: 'finish', pid: 101, now: T0 + 300 }).state;
    expect(s.pid).toBe(101);
    const r = step(s, { type: 'exited', proc: 'finish', exit: { code: 0, signal: null }, now: T0 + 600 });
    expect(r.state.deadline).toEqual({ at: T0 + 1000, why: 'restart' });
    const r2 = step(s, { type: 'exited', proc: 'finish', exit: { code: 0, signal: null }, now: T0 + 1200 });
    expect(r2.effects).toEqual([{ type: 'spawn', proc: 'run' }]);
  });

  it('does not restart when finish exits 125 (s6)', () => {
    const s = exited(running({ hasFinish: true }), T0 + 2000).state;
    const r = step(s, { type: 'exited', proc: 'finish', exit: { code: 125, signal: null }, now: T0 + 2001 });
    expect(r.state.phase).toBe('down');
    expect(r.state.want).toBe('down');
    expect(nonLog(r.effects)).toEqual([]);
  });

  it('kills a finish that outlives its timeout', () => {
    let s = exited(running({ hasFinish: true }), T0 + 2000).state;
    s = step(s, { type: 'spawned', proc: 'finish', pid: 101, now: T0 + 2000 }).state;
    const r = step(s, { type: 'deadline', now: s.deadline!.at });
    expect(nonLog(r.effects)).toEqual([{ type: 'kill', pid: 101, signal: 'SIGKILL', group: false }]);
  });

  it('completes finish without restarting after d', () => {
    let s = exited(running({ hasFinish: true }), T0 + 2000).state;
    s = step(s, { type: 'control', cmd: 'd', now: T0 + 2001 }).state;
    expect(s.phase).toBe('finish');
    const r = step(s, { type: 'exited', proc: 'finish', exit: { code: 0, signal: null }, now: T0 + 2002 });
    expect(r.state.phase).toBe('down');
    expect(r.effects).toEqual([]);
  });
});

describe('control letters', () => {
  it('d sends the down signal and CONT to the process group and arms the kill timeout', () => {
    const r = step(running(), { type: 'control', cmd: 'd', now: T0 + 10 });
    expect(r.state.want).toBe('down');
    expect(r.state.termSent).toBe(true);
    expect(r.effects).toEqual([
      { type: 'kill', pid: 100, signal: 'SIGTERM', group: true },
      { type: 'kill', pid: 100, signal: 'SIGCONT', group: true },
    ]);
    expect(r.state.deadline).toEqual({ at: T0 + 10 + defaultConfig.killTimeoutMs, why: 'kill' });
  });

  it('d uses the configured down signal', () => {
    const r = step(running({ downSignal: 'SIGUSR1' }), { type: 'control', cmd: 'd', now: T0 });
    expect(r.effects[0]).toEqual({ type: 'kill', pid: 100, signal: 'SIGUSR1', group: true });
  });

  it('SIGKILLs the process group when run outlives the kill timeout', () => {
    const s = step(running(), { type: 'control', cmd: 'd', now: T0 }).state;
    const r = step(s, { type: 'deadline', now: s.deadline!.at });
    expect(nonLog(r.effects)).toEqual([{ type: 'kill', pid: 100, signal: 'SIGKILL', group: true }]);
  });

  it('after d, the exit of run kills what is left of its group and stays down', () => {
    const s = step(running(), { type: 'control', cmd: 'd', now: T0 }).state;
    const r = exited(s, T0 + 5, null, 'SIGTERM');
    expect(r.state.phase).toBe('down');
    expect(r.state.deadline).toBeNull();
    expect(r.state.termSent).toBe(false);
    expect(nonLog(r.effects)).toEqual([{ type: 'kill', pid: 100, signal: 'SIGKILL', group: true }]);
  });

  it('d while down cancels a pending restart', () => {
    const s = exited(running(), T0 + 10).state;
    expect(s.deadline?.why).toBe('restart');
    const r = step(s, { type: 'control', cmd: 'd', now: T0 + 20 });
    expect(r.state.deadline).toBeNull();
    expect(r.state.want).toBe('down');
  });

  it('u starts a down service', () => {
    const s = step(running(), { type: 'control', cmd: 'd', now: T0 }).state;
    const down = exited(s, T0 + 5000, null, 'SIGTERM').state;
    const r = step(down, { type: 'control', cmd: 'u', now: T0 + 6000 });
    expect(r.state.phase).toBe('run');
    expect(r.effects).toEqual([{ type: 'spawn', proc: 'run' }]);
  });

  it('u while running only sets want up', () => {
    const s = step(running(), { type: 'control', cmd: 'o', now: T0 }).state;
    const r = step(s, { type: 'control', cmd: 'u', now: T0 + 1 });
    expect(r.state.want).toBe('up');
    expect(r.effects).toEqual([]);
  });

  it('o starts a down service once and does not restart it', () => {
    const boot = step(initialState(cfg(), T0), { type: 'boot', now: T0, down: true }).state;
    const r = step(boot, { type: 'control', cmd: 'o', now: T0 + 10 });
    expect(r.state.phase).toBe('run');
    expect(r.state.want).toBe('down');
    const withPid = step(r.state, { type: 'spawned', proc: 'run', pid: 7, now: T0 + 10 }).state;
    const after = exited(withPid, T0 + 5000, 0);
    expect(after.state.phase).toBe('down');
    expect(after.state.deadline).toBeNull();
    expect(nonLog(after.effects)).toEqual([{ type: 'kill', pid: 7, signal: 'SIGKILL', group: true }]);
  });

  it('p stops run and sets paused; c continues it and clears paused', () => {
    const p = step(running(), { type: 'control', cmd: 'p', now: T0 });
    expect(p.state.paused).toBe(true);
    expect(p.effects).toEqual([{ type: 'kill', pid: 100, signal: 'SIGSTOP', group: false }]);
    const c = step(p.state, { type: 'control', cmd: 'c', now: T0 });
    expect(c.state.paused).toBe(false);
    expect(c.effects).toEqual([{ type: 'kill', pid: 100, signal: 'SIGCONT', group: false }]);
  });

  it('p while down sets the paused flag without a signal, as runsv does', () => {
    const down = step(initialState(cfg(), T0), { type: 'boot', now: T0, down: true }).state;
    const r = step(down, { type: 'control', cmd: 'p', now: T0 });
    expect(r.state.paused).toBe(true);
    expect(r.effects).toEqual([]);
  });

  it('t sends TERM to the pid only, without CONT, and sets got TERM', () => {
    const r = step(running(), { type: 'control', cmd: 't', now: T0 });
    expect(r.state.termSent).toBe(true);
    expect(r.effects).toEqual([{ type: 'kill', pid: 100, signal: 'SIGTERM', group: false }]);
  });

  it.each([
    ['h', 'SIGHUP'], ['a', 'SIGALRM'], ['i', 'SIGINT'], ['q', 'SIGQUIT'], ['1', 'SIGUSR1'], ['2', 'SIGUSR2'], ['k', 'SIGKILL'],
  ] as [ControlLetter, NodeJS.Signals][])('%s sends %s to run and changes no state', (cmd, sig) => {
    const s = running();
    const r = step(s, { type: 'control', cmd, now: T0 });
    expect(r.effects).toEqual([{ type: 'kill', pid: 100, signal: sig, group: false }]);
    expect(r.state).toEqual(s);
  });

  it.each(['h', 'a', 'i', 'q', '1', '2', 't', 'k', 'c'] as ControlLetter[])('%s while down sends nothing', (cmd) => {
    const down = step(initialState(cfg(), T0), { type: 'boot', now: T0, down: true }).state;
    expect(step(down, { type: 'control', cmd, now: T0 }).effects).toEqual([]);
  });

  it('x while running stops run, then reports the service gone when it exits', () => {
    const s = step(running(), { type: 'control', cmd: 'x', now: T0 });
    expect(s.state.want).toBe('exit');
    expect(s.effects[0]).toEqual({ type: 'kill', pid: 100, signal: 'SIGTERM', group: true });
    const r = exited(s.state, T0 + 3, null, 'SIGTERM');
    expect(r.effects).toContainEqual({ type: 'gone' });
  });

  it('x while down reports the service gone at once', () => {
    const down = step(initialState(cfg(), T0), { type: 'boot', now: T0, down: true }).state;
    expect(step(down, { type: 'control', cmd: 'x', now: T0 }).effects).toEqual([{ type: 'gone' }]);
  });

  it('x during finish waits for finish, then reports gone without restarting', () => {
    let s = exited(running({ hasFinish: true }), T0 + 2000).state;
    s = step(s, { type: 'control', cmd: 'x', now: T0 + 2001 }).state;
    const r = step(s, { type: 'exited', proc: 'finish', exit: { code: 0, signal: null }, now: T0 + 2002 });
    expect(r.effects).toEqual([{ type: 'gone' }]);
  });
});

describe('readiness and env restarts', () => {
  it('becomes ready once while running, and not ready when run exits', () => {
    const r = step(running(), { type: 'ready', now: T0 });
    expect(r.state.ready).toBe(true);
    expect(step(r.state, { type: 'ready', now: T0 }).effects).toEqual([]);
    expect(exited(r.state, T0 + 5000).state.ready).toBe(false);
  });

  it('logs ready only for a service that has a readiness check', () => {
    expect(logs(step(running(), { type: 'ready', now: T0 }).effects)).toEqual([]);
    expect(logs(step(running({ hasCheck: true }), { type: 'ready', now: T0 }).effects)).toEqual(['ready']);
  });

  it('ignores ready while down', () => {
    const down = step(initialState(cfg(), T0), { type: 'boot', now: T0, down: true }).state;
    expect(step(down, { type: 'ready', now: T0 }).state.ready).toBe(false);
  });

  it('restart stops run gracefully and starts it again without counting a crash', () => {
    const r = step(running(), { type: 'restart', reason: 'env changed', now: T0 + 5000 });
    expect(nonLog(r.effects)[0]).toEqual({ type: 'kill', pid: 100, signal: 'SIGTERM', group: true });
    const after = exited(r.state, T0 + 5010, null, 'SIGTERM');
    expect(after.state.failures).toBe(0);
    expect(nonLog(after.effects)).toEqual([{ type: 'spawn', proc: 'run' }]);
  });

  it('restart of a service waiting to restart starts it now, keeping the 1s rule', () => {
    const s = exited(running(), T0 + 100).state;
    const r = step(s, { type: 'restart', reason: 'env changed', now: T0 + 200 });
    expect(r.state.deadline).toEqual({ at: T0 + 1000, why: 'restart' });
  });

  it('restart leaves a service that is wanted down alone', () => {
    const down = step(initialState(cfg(), T0), { type: 'boot', now: T0, down: true }).state;
    const r = step(down, { type: 'restart', reason: 'env changed', now: T0 });
    expect(r.effects).toEqual([]);
  });

  it('config replaces the settings used for the next decisions', () => {
    const s = running();
    const r = step(s, { type: 'config', config: cfg({ hasFinish: true }), now: T0 });
    expect(exited(r.state, T0 + 5000).state.phase).toBe('finish');
  });

  it('ignores events about processes it is not running', () => {
    const down = step(initialState(cfg(), T0), { type: 'boot', now: T0, down: true }).state;
    expect(step(down, { type: 'spawned', proc: 'run', pid: 5, now: T0 }).state).toBe(down);
    expect(step(down, { type: 'exited', proc: 'run', exit: { code: 0, signal: null }, now: T0 }).state).toBe(down);
    expect(step(down, { type: 'exited', proc: 'finish', exit: { code: 0, signal: null }, now: T0 }).state).toBe(down);
  });
});

describe('drain (a logger whose input was closed)', () => {
  it('lets a running logger exit by itself, then reports it gone', () => {
    const r = step(running(), { type: 'drain', now: T0 + 10 });
    expect(r.effects).toEqual([]);
    expect(r.state.want).toBe('exit');
    expect(r.state.deadline).toEqual({ at: T0 + 10 + defaultConfig.killTimeoutMs, why: 'kill' });
    expect(exited(r.state, T0 + 20, 0).effects).toContainEqual({ type: 'gone' });
  });

  it('SIGKILLs a logger that does not exit after its input closed', () => {
    const s = step(running(), { type: 'drain', now: T0 }).state;
    expect(nonLog(step(s, { type: 'deadline', now: s.deadline!.at }).effects)).toEqual([{ type: 'kill', pid: 100, signal: 'SIGKILL', group: true }]);
  });

  it('reports a logger that is down gone at once', () => {
    const down = step(initialState(cfg(), T0), { type: 'boot', now: T0, down: true }).state;
    expect(step(down, { type: 'drain', now: T0 }).effects).toEqual([{ type: 'gone' }]);
  });
});
