// `svrun envdir DIR PROG…`: daemontools envdir on top of svrun's env dir reader and exec.
import { execCommand } from '../wrap/exec.js';
import { applyPatch } from './apply.js';
import { readEnvDir } from './read.js';

/** Runs prog with args in base changed by the env dir; resolves to prog's exit code, throws if dir or prog fail. */
export async function runEnvdir(
  dir: string,
  prog: string,
  args: string[],
  base: Record<string, string | undefined>,
  warn: (line: string) => void,
): Promise<number> {
  // Read everything first: a fatal error must leave prog unstarted, not started with half the dir.
  const { patch, warnings } = await readEnvDir(dir);
  for (const w of warnings) warn(w);
  return execCommand({ file: prog, args, env: applyPatch(base, patch) });
}
