// What `svrun env` looks at: a service dir (full precedence) or a bare env dir, as a list of variables.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SvrunError, djbError } from '../errors.js';
import { readEnvDir } from './read.js';
import { resolveServiceEnv } from './resolve.js';
import type { EnvSource } from './types.js';

/** One variable as shown to a person: value null means a file unsets it. */
export interface ShownVar extends EnvSource {
  name: string;
  value: string | null;
}

/** The variables one PATH sets or unsets, sorted by name, with the warnings met reading it. */
export interface Inspection {
  path: string;
  kind: 'service' | 'envdir';
  vars: ShownVar[];
  warnings: string[];
}

/** Inspects path; with `all`, variables of `inherited` untouched by files are listed too. */
export async function inspectEnv(
  path: string,
  opts: { all: boolean; inherited: Record<string, string | undefined> },
): Promise<Inspection> {
  const inherited = opts.all ? opts.inherited : {};
  const vars: ShownVar[] = [];
  let warnings: string[];
  const kind = (await isServiceDir(path)) ? 'service' : 'envdir';
  if (kind === 'service') {
    const r = await resolveServiceEnv(path, { inherited, verbose: true });
    for (const [name, src] of Object.entries(r.sources)) vars.push({ name, value: r.env[name] ?? '', ...src });
    for (const [name, src] of Object.entries(r.unset)) vars.push({ name, value: null, ...src });
    warnings = r.warnings;
  } else {
    const r = await readEnvDir(path, { verbose: true });
    for (const [name, value] of Object.entries(inherited)) {
      if (value !== undefined && !(name in r.patch)) vars.push({ name, value, from: 'inherited' });
    }
    for (const [name, value] of Object.entries(r.patch)) {
      vars.push({ name, value, from: 'envdir', file: join(path, r.files[name] ?? name) });
    }
    warnings = r.warnings;
  }
  vars.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { path, kind, vars, warnings };
}

// A service dir has run, env/ or .env; anything else is taken for an env dir itself.
async function isServiceDir(path: string): Promise<boolean> {
  try {
    const st = await stat(path);
    if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    throw new SvrunError('SYSTEM', `unable to switch to directory: ${path}: ${djbError(err)}`, { cause: err });
  }
  const found = await Promise.all(['run', 'env', '.env'].map((f) => stat(join(path, f)).then(() => true, () => false)));
  return found.includes(true);
}
