// A service's environment: inherited < services/.env < service/.env < service/env/, with each value's origin.
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SvrunError, djbError } from '../errors.js';
import { readDotenv } from './dotenv.js';
import { readEnvDir } from './read.js';
import type { EnvSource, ResolvedEnv } from './types.js';

/** Options for resolveServiceEnv: the environment to start from and the dir holding all services (default: serviceDir's parent). */
export interface ResolveOptions {
  inherited: Record<string, string | undefined>;
  servicesDir?: string;
  verbose?: boolean;
}

/**
 * Resolves the complete environment for a service. Every file is read before anything is merged,
 * and any read error throws, so the caller can keep the previous environment. An env/ file that
 * unsets a variable removes it whatever layer set it; it is listed in `unset`.
 */
export async function resolveServiceEnv(serviceDir: string, opts: ResolveOptions): Promise<ResolvedEnv> {
  const sharedFile = join(opts.servicesDir ?? dirname(resolve(serviceDir)), '.env');
  const ownFile = join(serviceDir, '.env');
  const envDir = join(serviceDir, 'env');
  const [shared, own, dir] = await Promise.all([
    readDotenv(sharedFile),
    readDotenv(ownFile),
    readOptionalEnvDir(envDir, opts.verbose ?? false),
  ]);
  const env: Record<string, string> = {};
  const sources: Record<string, EnvSource> = {};
  const unset: Record<string, EnvSource> = {};
  for (const [name, value] of Object.entries(opts.inherited)) {
    if (value === undefined) continue;
    env[name] = value;
    sources[name] = { from: 'inherited' };
  }
  for (const [file, vars] of [[sharedFile, shared], [ownFile, own]] as const) {
    for (const [name, value] of Object.entries(vars)) {
      env[name] = value;
      sources[name] = { from: 'dotenv', file };
    }
  }
  for (const [name, value] of Object.entries(dir.patch)) {
    const file = join(envDir, dir.files[name] ?? name);
    if (value === null) {
      delete env[name];
      delete sources[name];
      unset[name] = { from: 'envdir', file };
    } else {
      env[name] = value;
      sources[name] = { from: 'envdir', file };
    }
  }
  return { env, sources, unset, warnings: dir.warnings };
}

// A service without env/ is normal; env/ that exists but is not a dir is a mistake worth stopping for.
async function readOptionalEnvDir(dir: string, verbose: boolean) {
  try {
    await stat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { patch: {}, files: {}, warnings: [] };
    throw new SvrunError('SYSTEM', `unable to read ${dir}: ${djbError(err)}`, { cause: err });
  }
  return readEnvDir(dir, { verbose });
}
