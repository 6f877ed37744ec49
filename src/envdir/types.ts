// Shared shapes of the env reader: a patch to apply to an environment, and where each value came from.

/** Variables to set (string) or unset (null); applied only to a child's env, never to process.env. */
export type EnvPatch = Record<string, string | null>;

/** What reading an env dir yields: the patch, plus warnings about entries that were skipped or odd. */
export interface EnvDirResult {
  patch: EnvPatch;
  /** The file (name inside the dir) behind each patch entry; differs from the name for `A=B` files. */
  files: Record<string, string>;
  warnings: string[];
}

/** Where a variable of a resolved environment came from. */
export interface EnvSource {
  from: 'inherited' | 'dotenv' | 'envdir';
  /** The file that set (or unset) it; absent for inherited variables. */
  file?: string;
}

/** A service's complete environment with the origin of every variable. */
export interface ResolvedEnv {
  env: Record<string, string>;
  /** Origin of every variable in env. */
  sources: Record<string, EnvSource>;
  /** Variables an env/ file unset (empty file), with that file. */
  unset: Record<string, EnvSource>;
  warnings: string[];
}
