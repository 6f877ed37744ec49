// The New Relic wrapper: a service's environment (or a Command) in, the same with the agent
// preloaded out. The preload goes in NODE_OPTIONS so it reaches the app however run starts it
// (npm start, sh -c, tsx); the preload itself keeps launchers and children from loading a
// second agent. Nothing is spawned here.
import { fileURLToPath } from 'node:url';
import { SvrunError } from '../../errors.js';
import type { Command } from '../command.js';
import { resolveSettings, type ServiceInfo } from './settings.js';

export type { ServiceInfo } from './settings.js';

/** What the supervisor spawns run with: the env, whether the agent is injected, and warnings to log. */
export interface NewRelicResult {
  env: Record<string, string>;
  enabled: boolean;
  warnings: string[];
}

/** Absolute path of the shipped preload (an ES module, loaded by --require through require(esm)). */
export const PRELOAD = fileURLToPath(new URL('./preload.js', import.meta.url));

/**
 * The environment run gets under New Relic. Fail-open: a setting that cannot work becomes one
 * warning, and the service starts without the agent on its original env.
 */
export function newRelicFor(env: Record<string, string>, svc: ServiceInfo): NewRelicResult {
  let settings;
  try {
    settings = resolveSettings(env, svc);
  } catch (err) {
    if (!(err instanceof SvrunError)) throw err;
    return { env, enabled: false, warnings: [`unable to start New Relic, running without it: ${err.message}`] };
  }
  if (!settings.enabled) return { env, enabled: false, warnings: settings.warnings };
  return {
    env: { ...settings.env, NODE_OPTIONS: withPreload(settings.env.NODE_OPTIONS) },
    enabled: true,
    warnings: settings.warnings,
  };
}

/** cmd with New Relic applied to its env (see newRelicFor). */
export function withNewRelic(cmd: Command, svc: ServiceInfo): { cmd: Command; warnings: string[] } {
  const r = newRelicFor(cmd.env, svc);
  return { cmd: { ...cmd, env: r.env }, warnings: r.warnings };
}

/** NODE_OPTIONS with our --require first, once; the rest kept as the user wrote it. */
export function withPreload(nodeOptions: string | undefined, preload = PRELOAD): string {
  const ours = `--require ${quote(preload)}`;
  const rest = (nodeOptions ?? '').replace(ours, '').trim();
  return rest ? `${ours} ${rest}` : ours;
}

// NODE_OPTIONS splits on spaces and honours double quotes with backslash escapes.
function quote(path: string): string {
  return /[\s"\\]/.test(path) ? `"${path.replace(/["\\]/g, '\\$&')}"` : path;
}
