// svrun: our own supervisor, fitted to its real CLI (copied from ../shared/bench/adapters/svrun.js).
//   svrun up SCANDIR                 foreground; SIGTERM = stop every service, wait, exit 0
//   svrun status --json -d SCANDIR   JSON array of { name, state: 'run'|'down'|'finish', pid }
//   logging: SCANDIR/<name>/log/ without log/run = svrun writes the service's output to
//            SCANDIR/<name>/log/main/current (svlogd format)
//
//   svrun up SCANDIR       foreground; supervises every SCANDIR/<name>/ with an executable `run`;
//                          SIGTERM = stop every service, wait for them, exit 0
//   svrun status SCANDIR   one line per service: "<name> <state> <pid|-> [more fields]",
//                          state "up" = running (or a JSON array of {name, state, pid})
//   logging                SCANDIR/<name>/log/ present (and no log/run) = svrun appends the
//                          service's stdout and stderr to SCANDIR/<name>/log/current
//
// Binary: $SVRUN if set (a path, relative to the current directory, or a name on PATH), else
// `svrun` on PATH.
'use strict';
const path = require('path');
const fs = require('fs');

const UP_ARGS = (scan) => ['up', scan];  // not on a terminal: output goes to files only
const STATUS_ARGS = (scan) => ['status', '--json', '-d', scan];
const STOP_SIGNAL = 'SIGTERM';           // or set STOP_ARGS to use a CLI command instead
const STOP_ARGS = null;                   // e.g. (scan) => ['down', '--all', scan]
const LOG_FILES = (svcDir) => [path.join(svcDir, 'log', 'main', 'current')];

function bin(h) {
  const b = process.env.SVRUN || 'svrun';
  if (b.includes('/')) return path.resolve(b);
  return h.which(b);
}

module.exports = {
  name: 'svrun',
  rank: 0,
  configNotes: '`svrun up SCANDIR`, runit-layout service dirs whose run is the service script, built-in log capture to <svc>/log/main/current, `svrun status --json -d SCANDIR`, stop-all = SIGTERM to `svrun up`.',

  check(h) {
    const b = bin(h);
    if (!b || !fs.existsSync(b)) return `svrun not found (set SVRUN=path/to/svrun or put svrun on PATH)`;
    return null;
  },
  version(h) {
    const r = h.runSync(bin(h), ['--version'], { timeoutMs: 5000 });
    const v = (r.stdout || r.stderr).trim().split('\n')[0];
    return r.code === 0 && v ? v : `svrun (${path.basename(bin(h))})`;
  },

  async setup(ctx) {
    const { h } = ctx;
    ctx.state.bin = bin(h);
    ctx.state.scan = path.join(ctx.dir, 'service');
    h.mkdirp(ctx.state.scan);
    for (const s of ctx.services) {
      const d = path.join(ctx.state.scan, s.name);
      s.svcDir = d;
      h.write(path.join(d, 'run'), s.script, 0o755);
      // As the harness does for svlogd: no rotation (config s0), so completeness can be checked.
      if (ctx.logging) h.write(path.join(d, 'log', 'main', 'config'), 's0\n', 0o644);
    }
  },

  async start(ctx) {
    ctx.state.proc = ctx.h.spawnDaemon(ctx.state.bin, UP_ARGS(ctx.state.scan), { logFile: path.join(ctx.dir, 'supervisor.out') });
  },

  rootPids(ctx) { return ctx.state.proc ? [ctx.state.proc.pid] : []; },

  statusCommand(ctx) { return { file: ctx.state.bin, args: STATUS_ARGS(ctx.state.scan) }; },
  parseStatus(ctx, out) {
    const m = new Map();
    const t = out.trim();
    if (t.startsWith('[')) {
      for (const e of JSON.parse(t)) m.set(e.name, { up: e.state === 'run', pid: e.pid > 0 ? +e.pid : null, state: e.failed ? 'failed' : e.state });
      return m;
    }
    for (const line of t.split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length < 3) continue;
      m.set(f[0].replace(/:$/, ''), { up: f[1] === 'up', pid: /^\d+$/.test(f[2]) ? +f[2] : null, state: f[1] });
    }
    return m;
  },

  async stop(ctx) {
    if (STOP_ARGS) { await ctx.h.run(ctx.state.bin, STOP_ARGS(ctx.state.scan)); return; }
    const p = ctx.state.proc;
    if (p && p.exitCode === null && !p.signalCode) process.kill(p.pid, STOP_SIGNAL);
  },

  logFiles(ctx, s) {
    const dir = path.dirname(LOG_FILES(s.svcDir)[0]);
    const rotated = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith('@')).sort().map((f) => path.join(dir, f)) : [];
    return [...rotated, ...LOG_FILES(s.svcDir)].filter((f) => fs.existsSync(f));
  },
};
