// Applies an env patch to a copy of an environment, the one place a patch becomes an env.
import type { EnvPatch } from './types.js';

/** A new environment: base with patch applied (null unsets); base is not modified. */
export function applyPatch(base: Record<string, string | undefined>, patch: EnvPatch): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value;
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  return env;
}
