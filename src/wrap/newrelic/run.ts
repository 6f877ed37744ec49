// `svrun newrelic run-program|config`: the agent applied to one program, and the effective
// settings of a service shown with secrets masked.
import { basename, resolve } from 'node:path';
import { SvrunError } from '../../errors.js';
import { resolveServiceEnv } from '../../envdir/resolve.js';
import { execCommand } from '../exec.js';
import { resolveSettings, type Settings } from './settings.js';
import { newRelicFor } from './wrap.js';

type Warn = (w: string) => void;

/** Runs prog with the agent preloaded (fail-open) and resolves to its exit status. */
export async function runProgram(prog: string, args: string[], inherited: NodeJS.ProcessEnv, warn: Warn): Promise<number> {
  const env = definedOnly(inherited);
  const cwd = process.cwd();
  const r = newRelicFor(env, { name: env.NEW_RELIC_APP_NAME?.trim() || basename(cwd), dir: cwd });
  for (const w of r.warnings) warn(w);
  return execCommand({ file: prog, args, env: r.env });
}

/** The settings for a service dir (its env/, .env and svrun's env), or for the current env and dir. */
export async function settingsFor(serviceDir: string | undefined, inherited: NodeJS.ProcessEnv): Promise<Settings & { name: string }> {
  if (serviceDir === undefined) {
    const env = definedOnly(inherited);
    const name = env.NEW_RELIC_APP_NAME?.trim() || basename(process.cwd());
    return { ...resolveSettings(env, { name, dir: process.cwd() }), name };
  }
  const dir = resolve(serviceDir);
  const resolved = await resolveServiceEnv(dir, { inherited });
  const name = basename(dir);
  const s = resolveSettings(resolved.env, { name, dir });
  return { ...s, warnings: [...resolved.warnings, ...s.warnings], name };
}

/** `svrun newrelic config`: NEW_RELIC_* (and the CA variable) as the agent will see them, secrets masked. */
export async function showConfig(serviceDir: string | undefined, inherited: NodeJS.ProcessEnv, out: (s: string) => void, warn: Warn): Promise<number> {
  const s = await settingsFor(serviceDir, inherited);
  for (const w of s.warnings) warn(w);
  if (!s.enabled) {
    out(`${s.name}: New Relic off (no NEW_RELIC_LICENSE_KEY, NEW_RELIC_CONFIG_FILE or NEW_RELIC_ENABLED=true)\n`);
    return 0;
  }
  out(`${s.name}: New Relic on${s.jsConfig ? ` (config file ${s.jsConfig}; its values are not shown)` : ''}\n`);
  for (const name of Object.keys(s.env).filter(shown).sort()) out(`${name}=${maskNr(name, s.env[name]!)}\n`);
  return 0;
}

/** A NEW_RELIC_* value fit to print: keys and passwords become ****, certificates are summarised. */
export function maskNr(name: string, value: string): string {
  if (name === 'NEW_RELIC_LICENSE_KEY') return value.length > 8 ? `****${value.slice(-4)}` : '****';
  if (/PASS|SECRET|TOKEN|KEY/.test(name)) return '****';
  if (name === 'NEW_RELIC_CERTIFICATES') return `(${(value.match(/BEGIN CERTIFICATE/g) ?? []).length} PEM certificate(s))`;
  if (name === 'NEW_RELIC_PROXY_URL') return value.replace(/(\/\/[^:@/]*):[^@/]*@/, '$1:****@');
  return value;
}

function shown(name: string): boolean {
  return name.startsWith('NEW_RELIC_') || name === 'NODE_EXTRA_CA_CERTS';
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** Requires the agent to be on for a check; otherwise says what turns it on. */
export function requireEnabled(s: Settings & { name: string }): void {
  if (!s.enabled) throw new SvrunError('BAD_CONFIG', `${s.name}: New Relic is off: set NEW_RELIC_LICENSE_KEY (or NEW_RELIC_CONFIG_FILE)`);
}
