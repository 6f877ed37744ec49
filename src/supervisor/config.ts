// Per-service settings: defaults from src/defaults.ts, overridden by one-value files in the
// service dir, named as s6 names them where s6 has the setting (timeout-kill, timeout-finish,
// down-signal, notification-fd) and in the same style where it has not.
import { constants } from 'node:os';
import { readFile, readdir, access, constants as fsConstants } from 'node:fs/promises';
import { join } from 'node:path';
import { defaults } from '../defaults.js';
import { SvrunError } from '../errors.js';

/** The settings the state machine and the runner need for one service. */
export interface ServiceConfig {
  hasFinish: boolean;
  downSignal: NodeJS.Signals;
  killTimeoutMs: number;
  finishTimeoutMs: number;
  throttleMs: number;
  stableMs: number;
  backoffMaxMs: number;
  failAfter: number;
  /** fd on which run writes a line when ready (s6's notification-fd), or null. */
  notificationFd: number | null;
  hasCheck: boolean;
  /** Services that must be ready before this one starts. */
  needs: string[];
  /** Restart when env/ or .env changes. */
  envReload: boolean;
}

/** The built-in settings, for a service dir that overrides nothing. */
export const defaultConfig: ServiceConfig = Object.freeze({
  hasFinish: false,
  downSignal: 'SIGTERM',
  killTimeoutMs: defaults.killTimeoutMs,
  finishTimeoutMs: defaults.finishTimeoutMs,
  throttleMs: defaults.throttleMs,
  stableMs: defaults.stableMs,
  backoffMaxMs: defaults.backoffMaxMs,
  failAfter: defaults.failAfter,
  notificationFd: null,
  hasCheck: false,
  needs: [],
  envReload: true,
}) as ServiceConfig;

// file name → how to parse it into the config.
const NUMBER_FILES = {
  'timeout-kill': 'killTimeoutMs',
  'timeout-finish': 'finishTimeoutMs',
  'restart-stable': 'stableMs',
  'restart-backoff-max': 'backoffMaxMs',
  'restart-fail-after': 'failAfter',
} as const;

/** Reads the settings of the service in dir; a bad value is an error naming the file. */
export async function readServiceConfig(dir: string): Promise<ServiceConfig> {
  const c: ServiceConfig = { ...defaultConfig, needs: [] };
  // One listing, then only the files that are there: most services set none of them, and a
  // hundred services' failed opens, one per possible file, cost a bring-up more than the rest.
  const present = new Set(await readdir(dir).catch(() => [] as string[]));
  const value = (file: string) => (present.has(file) ? readValue(dir, file) : Promise.resolve(null));
  const readable = async (file: string) => present.has(file) && (await isReadable(join(dir, file)));
  const [finish, check] = await Promise.all([readable('finish'), readable('check')]);
  c.hasFinish = finish;
  c.hasCheck = check;
  await Promise.all([
    ...Object.entries(NUMBER_FILES).map(async ([file, key]) => {
      const v = await value(file);
      if (v !== null) c[key] = wholeNumber(dir, file, v);
    }),
    value('down-signal').then((v) => {
      if (v !== null) c.downSignal = signalName(dir, v);
    }),
    value('notification-fd').then((v) => {
      if (v === null) return;
      const fd = wholeNumber(dir, 'notification-fd', v);
      if (fd < 3) throw new SvrunError('BAD_SERVICE', `${join(dir, 'notification-fd')}: ${fd} is stdin, stdout or stderr: use 3 or more`);
      c.notificationFd = fd;
    }),
    present.has('needs') && readFile(join(dir, 'needs'), 'utf8').then(
      (t) => { c.needs = t.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')); },
      (err) => { if (err.code !== 'ENOENT') throw unreadable(dir, 'needs', err); },
    ),
    readable('no-env-reload').then((no) => { c.envReload = !no; }),
  ]);
  return c;
}

// runit's test for finish: can it be opened for reading (not: is it executable).
async function isReadable(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.R_OK);
    return true;
  } catch {
    return false;
  }
}

async function readValue(dir: string, file: string): Promise<string | null> {
  try {
    return (await readFile(join(dir, file), 'utf8')).split('\n')[0]!.trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw unreadable(dir, file, err);
  }
}

function wholeNumber(dir: string, file: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new SvrunError('BAD_SERVICE', `${join(dir, file)}: '${v}' is not a whole number`);
  return Number(v);
}

function signalName(dir: string, v: string): NodeJS.Signals {
  const name = (/^SIG/i.test(v) ? v : `SIG${v}`).toUpperCase();
  const num = /^\d+$/.test(v) ? Object.entries(constants.signals).find(([, n]) => n === Number(v))?.[0] : undefined;
  const sig = (num ?? name) as NodeJS.Signals;
  if (!(sig in constants.signals)) throw new SvrunError('BAD_SERVICE', `${join(dir, 'down-signal')}: '${v}' is not a signal name`);
  return sig;
}

function unreadable(dir: string, file: string, err: unknown): SvrunError {
  return new SvrunError('BAD_SERVICE', `unable to read ${join(dir, file)}: ${(err as NodeJS.ErrnoException).code ?? err}`);
}

/** How many instances of the service in dir to run: its `scale` file (default 1); 0 runs none. */
export async function readScale(dir: string): Promise<number> {
  const v = await readValue(dir, 'scale');
  return v === null ? 1 : wholeNumber(dir, 'scale', v);
}

/** Files of a service dir whose change re-reads its settings and env (others are the app's business). */
export const SETTING_FILES: ReadonlySet<string> = new Set([
  'env', '.env', 'finish', 'check', 'down', 'needs', 'notification-fd', 'no-env-reload',
  'down-signal', ...Object.keys(NUMBER_FILES),
]);
