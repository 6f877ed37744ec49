// The app's settings, read once from the environment; URLs choose backends, one line each.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Settings shared by web and worker. */
export interface Config {
  appRoot: string;
  dataDir: string;
  port: number;
  host: string;
  cacheUrl: string;
  brokerUrl: string;
  databaseUrl: string;
  servicesDir: string;
  maxTries: number;
  stopTimeoutMs: number;
}

// dist/app/config.js → the repo root two levels up
const defaultRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Reads the settings from env; a bad value throws an Error naming the setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const appRoot = env.APP_ROOT || defaultRoot;
  const dataDir = resolve(env.DATA_DIR || join(appRoot, 'var'));
  return {
    appRoot,
    dataDir,
    port: int(env, 'PORT', 8000),
    host: env.HOST || '127.0.0.1',
    cacheUrl: env.CACHE_URL || 'locmem://',
    brokerUrl: env.BROKER_URL || 'sqlite://',
    databaseUrl: env.DATABASE_URL || 'sqlite://',
    // runit and svrun run `run` inside the service dir: its siblings are the other services
    servicesDir: resolve(env.SERVICES_DIR || '..'),
    maxTries: int(env, 'TASK_MAX_TRIES', 3),
    stopTimeoutMs: int(env, 'STOP_TIMEOUT_MS', 5000),
  };
}

function int(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: not a non-negative integer: ${JSON.stringify(raw)}`);
  return n;
}

/** A URL safe to log: any password replaced by ***. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/** The file an sqlite:// URL names: sqlite:// → DATA_DIR/dflt, sqlite:///abs/path → that path. */
export function sqlitePath(url: string, dataDir: string, dflt: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, '');
  return rest === '' ? join(dataDir, dflt) : resolve(dataDir, rest);
}
