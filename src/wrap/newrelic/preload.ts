// Loaded into every Node process of a service through NODE_OPTIONS=--require (require(esm),
// Node >= 20.19). It starts the New Relic agent in the app process only, and never breaks
// the app: whatever goes wrong, the app runs without the agent and stderr gets one line.
// No top-level await: require(esm) cannot load a module that has one.
import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

// Set in the app before the agent loads; its children inherit it and leave the agent alone.
const MARK = 'SVRUN_NEWRELIC_PID';
// Node CLIs that start the app as a child: an agent there would be a second "app" (§1).
const LAUNCHERS = [
  /(^|\/)(npm|npx|pnpm|pnpx|yarn|yarnpkg|corepack|tsx|nodemon)$/,
  /\/npm\/bin\/np[mx]-cli\.js$/,
  /\/(yarn|pnpm)\/(bin|dist)\/[^/]+\.c?js$/,
  /\/corepack\/dist\/[^/]+\.js$/,
  /\/tsx\/dist\/cli\.[cm]?js$/,
  /\/nodemon\/bin\/nodemon\.js$/,
];
// Default flush bound on TERM/INT; svrun SIGKILLs after 10 s, so well inside that.
const FLUSH_MS = 3000;

main();

function main(): void {
  try {
    const why = skipReason();
    if (why) return;
    process.env[MARK] = String(process.pid);
    const problem = configProblem();
    if (problem) return warn(problem);
    const agent = loadAgent();
    if (!agent) return;
    if (/^https:/i.test(process.env.NEW_RELIC_PROXY_URL ?? '')) guardProxyCrash();
    flushOnSignals(agent);
  } catch (err) {
    warn(`unexpected error: ${(err as Error)?.message ?? String(err)}`);
  }
}

function skipReason(): string | undefined {
  if (!isMainThread) return 'worker thread';
  if (process.env[MARK]) return 'loaded by an ancestor';
  const script = process.argv[1];
  if (!script) return 'no main script (node -e, REPL)';
  if (LAUNCHERS.some((re) => re.test(script))) return 'launcher';
  return undefined;
}

// The failures the agent reports only in its log, or not at all.
function configProblem(): string | undefined {
  const env = process.env;
  const noFile = /^(true|t|yes|y|1)$/i.test(env.NEW_RELIC_NO_CONFIG_FILE ?? '');
  if (noFile && !env.NEW_RELIC_LICENSE_KEY?.trim()) return 'NEW_RELIC_LICENSE_KEY is not set';
  const log = env.NEW_RELIC_LOG?.trim();
  if (log && log !== 'stdout' && log !== 'stderr') {
    try {
      closeSync(openSync(log, 'a'));
    } catch (err) {
      return `cannot write the agent log NEW_RELIC_LOG=${log}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
  }
  return undefined;
}

interface Agent {
  shutdown(opts: { collectPendingData: boolean; timeout: number }, cb: () => void): void;
  agent?: unknown;
}

// The app's own newrelic first (its version, its instrumentation registry), then svrun's.
function loadAgent(): Agent | undefined {
  const candidates = [createRequire(join(process.cwd(), 'noop.js')), createRequire(import.meta.url)];
  let path: string | undefined;
  let req: NodeJS.Require | undefined;
  for (const r of candidates) {
    try {
      path = r.resolve('newrelic');
      req = r;
      break;
    } catch { /* try the next */ }
  }
  if (!req || !path) {
    warn(`the newrelic package is not installed (looked from ${process.cwd()} and from svrun)`);
    return undefined;
  }
  try {
    const api = req(path) as Agent;
    // The agent builds a stub API, without throwing, when it cannot start.
    if (!api.agent) warn('the agent did not start (see its messages above or its log)');
    return api;
  } catch (err) {
    warn(`the agent failed to load: ${(err as Error)?.message ?? String(err)}`);
    return undefined;
  }
}

// https-proxy-agent leaves a TLS socket without an error listener when an https proxy hangs
// up, and the 'error' crashes the app (TooTallNate/proxy-agents#277, docs §3).
function guardProxyCrash(): void {
  const onError = (err: Error & { code?: string }) => {
    const ours = /secure TLS connection was established|socket hang up/.test(err?.message ?? '')
      && /https-proxy-agent|_tls_wrap|tls/.test(String(err?.stack ?? ''));
    if (ours) {
      say(`the connection to the https proxy failed (${err.message}); the agent will retry`);
      return;
    }
    if (process.listenerCount('uncaughtException') > 1) return; // the app handles its own
    process.off('uncaughtException', onError);
    process.nextTick(() => { throw err; }); // the default crash, as if we had not been here
  };
  process.on('uncaughtException', onError);
}

// The agent does not flush on TERM; metrics since the last harvest would be lost.
function flushOnSignals(api: Agent): void {
  const limit = Number(process.env.SVRUN_NEWRELIC_FLUSH_MS) || FLUSH_MS;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    let flushing = false;
    const onSignal = () => {
      // With handlers of its own the app decides when to exit; we only flush alongside.
      const appHandles = process.listeners(sig).some((l) => l !== onSignal);
      const reraise = () => {
        if (appHandles) return;
        process.off(sig, onSignal);
        process.kill(process.pid, sig);
      };
      // A repeat is usually the same stop reaching us twice (to the group and forwarded by a
      // wrapper); the flush is already bounded, so it is not cut short.
      if (flushing) return;
      flushing = true;
      const release = appHandles ? holdExit() : () => {};
      let ended = false;
      const done = () => {
        if (ended) return;
        ended = true;
        clearTimeout(guard);
        release();
        reraise();
      };
      // shutdown's callback may never come (errored agent), so a ref'd timer bounds the wait.
      const guard = setTimeout(done, limit);
      try {
        api.shutdown({ collectPendingData: true, timeout: limit }, done);
      } catch {
        done();
      }
    };
    process.on(sig, onSignal);
  }
}

// An app that handles the signal itself commonly ends with process.exit() once it has closed,
// which would cut the flush short: the exit is held until release (called once the flush ends,
// itself bounded), then done with the code the app asked for.
function holdExit(): () => void {
  const exit = process.exit;
  let asked: { code: Parameters<typeof process.exit>[0] } | undefined;
  process.exit = ((code?: Parameters<typeof process.exit>[0]) => {
    asked ??= { code };
    return undefined as never;
  }) as typeof process.exit;
  return () => {
    process.exit = exit;
    if (asked) exit.call(process, asked.code);
  };
}

function warn(reason: string): void {
  say(`${reason}; running without the agent`);
}

function say(text: string): void {
  process.stderr.write(`svrun newrelic: warning: ${basename(process.argv[1] ?? 'node')}: ${text}\n`);
}
