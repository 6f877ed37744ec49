// The New Relic settings of one service: its environment (env/, .env, inherited) plus an
// optional config file, resolved into the NEW_RELIC_* variables the Node agent reads. Files
// are read here (config file, CA bundle); nothing is spawned.
import { accessSync, constants as fsc, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { SvrunError, djbError } from '../../errors.js';
import { iniToEnv } from './ini.js';
import { PROXY_PARTS, normaliseProxy } from './proxy.js';

/** The service the settings are for: its name (default app name) and its dir (relative paths, log file). */
export interface ServiceInfo {
  name: string;
  dir: string;
}

/** Resolved settings: the complete child environment, whether the agent is wanted, and warnings. */
export interface Settings {
  env: Record<string, string>;
  enabled: boolean;
  warnings: string[];
  /** The JS config file the agent will read, if any. */
  jsConfig?: string;
}

const JS_CONFIG = new Set(['.js', '.cjs', '.mjs']);
// The agent's own rule for booleans (lib/config/index.js): only these words mean false.
const FALSY = /^(false|f|no|n|disabled|0)$/i;

/** Resolves env for svc; throws SvrunError BAD_CONFIG (or SYSTEM for unreadable files) naming the setting. */
export function resolveSettings(input: Readonly<Record<string, string>>, svc: ServiceInfo): Settings {
  const env: Record<string, string> = { ...input };
  const warnings: string[] = [];
  const explicit = env.NEW_RELIC_ENABLED?.trim();
  if (explicit && FALSY.test(explicit)) return { env: input as Record<string, string>, enabled: false, warnings };

  let jsConfig: string | undefined;
  const file = env.NEW_RELIC_CONFIG_FILE?.trim();
  if (file) {
    const path = isAbsolute(file) ? file : resolve(svc.dir, file);
    if (JS_CONFIG.has(extname(path))) {
      checkJsConfig(path);
      jsConfig = path;
      env.NEW_RELIC_HOME = dirname(path);
      env.NEW_RELIC_CONFIG_FILENAME = basename(path);
      delete env.NEW_RELIC_NO_CONFIG_FILE;
    } else {
      const ini = iniToEnv(readText(path, 'NEW_RELIC_CONFIG_FILE'), env.NEW_RELIC_ENVIRONMENT?.trim() || undefined, path);
      warnings.push(...ini.warnings);
      // The service's own variables win over the file, as env wins over newrelic.js in the Node agent.
      for (const [k, v] of Object.entries(ini.env)) if (!env[k]?.trim()) env[k] = v;
      const enabled = env.NEW_RELIC_ENABLED?.trim();
      if (enabled && FALSY.test(enabled)) return { env: input as Record<string, string>, enabled: false, warnings };
    }
  }

  const key = env.NEW_RELIC_LICENSE_KEY?.trim();
  if (!key && !jsConfig) {
    if (!explicit && !file) return { env: input as Record<string, string>, enabled: false, warnings };
    throw new SvrunError('BAD_CONFIG', `NEW_RELIC_LICENSE_KEY is not set${file ? ` (nor license_key in ${file})` : ''}: put the key in the service's env/NEW_RELIC_LICENSE_KEY, or set NEW_RELIC_ENABLED=false`);
  }

  if (!jsConfig) env.NEW_RELIC_NO_CONFIG_FILE = 'true';
  if (!env.NEW_RELIC_APP_NAME?.trim() && !jsConfig) env.NEW_RELIC_APP_NAME = svc.name;
  if (!env.NEW_RELIC_LOG?.trim()) env.NEW_RELIC_LOG = defaultLog(svc.dir);

  const proxy = normaliseProxy(env);
  warnings.push(...proxy.warnings);
  for (const name of PROXY_PARTS) delete env[name];

  const caPath = env.NEW_RELIC_CA_BUNDLE_PATH?.trim();
  if (caPath) {
    const abs = isAbsolute(caPath) ? caPath : resolve(svc.dir, caPath);
    const pem = readText(abs, 'NEW_RELIC_CA_BUNDLE_PATH');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new SvrunError('BAD_CONFIG', `NEW_RELIC_CA_BUNDLE_PATH ${abs} holds no PEM certificate: name a PEM file`);
    }
    // The TLS hop tunnelled through a proxy ignores the agent's `certificates` and trusts only
    // Node's roots plus NODE_EXTRA_CA_CERTS; direct, or to an https proxy, `certificates` is
    // what the agent trusts (docs/newrelic-node.md §3).
    const httpProxy = proxy.url?.startsWith('http:');
    if (!httpProxy && !env.NEW_RELIC_CERTIFICATES?.trim()) env.NEW_RELIC_CERTIFICATES = pem.replaceAll(',', '');
    const extra = env.NODE_EXTRA_CA_CERTS?.trim();
    if (extra && resolve(extra) !== abs) {
      // Node reads one extra CA file; the agent's CA matters more to a service that names one.
      warnings.push(`NODE_EXTRA_CA_CERTS=${extra} is replaced by NEW_RELIC_CA_BUNDLE_PATH ${abs}; to keep both, put both in one PEM file`);
    }
    env.NODE_EXTRA_CA_CERTS = abs;
    delete env.NEW_RELIC_CA_BUNDLE_PATH;
  }
  if (proxy.url) {
    env.NEW_RELIC_PROXY_URL = proxy.url;
    // The agent logs its proxy URL, password included, at info level.
    if (/:[^/@]+@/.test(proxy.url.slice(proxy.url.indexOf('//') + 2))) {
      const level = env.NEW_RELIC_LOG_LEVEL?.trim().toLowerCase();
      if (!level) env.NEW_RELIC_LOG_LEVEL = 'warn';
      else if (['info', 'debug', 'trace'].includes(level)) {
        warnings.push(`NEW_RELIC_LOG_LEVEL=${level} makes the agent write the proxy password to its log; use warn`);
      }
    }
  }
  return { env, enabled: true, warnings, ...(jsConfig ? { jsConfig } : {}) };
}

/** Where the agent logs by default: the service's log/ dir when it has one, else the service dir. */
export function defaultLog(dir: string): string {
  const logDir = join(resolve(dir), 'log');
  try {
    if (statSync(logDir).isDirectory()) return join(logDir, 'newrelic_agent.log');
  } catch { /* no log/ */ }
  return join(resolve(dir), 'newrelic_agent.log');
}

// The agent swallows a syntax error in its config file and falls back to env alone
// (docs/newrelic-node.md §2.3), so svrun compiles the file first and says so.
function checkJsConfig(path: string): void {
  const text = readText(path, 'NEW_RELIC_CONFIG_FILE');
  if (extname(path) === '.mjs') return; // ES module syntax: compiled by the agent's import
  try {
    // vm is loaded here, not at import: svrun up reads settings for every service, and only
    // a service with a JS config file needs it
    process.getBuiltinModule('node:vm').compileFunction(text, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: path });
  } catch (err) {
    const where = /:(\d+)/.exec(String((err as Error).stack ?? ''))?.[1];
    throw new SvrunError('BAD_CONFIG', `NEW_RELIC_CONFIG_FILE ${path}${where ? `:${where}` : ''}: ${(err as Error).message}: fix the file (the agent would ignore it silently)`);
  }
}

function readText(path: string, setting: string): string {
  try {
    accessSync(path, fsc.R_OK);
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new SvrunError('BAD_CONFIG', `${setting} ${path}: ${djbError(err)}: name a readable file`, { cause: err });
  }
}
