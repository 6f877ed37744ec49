// `svrun chpst`: read what the options need from the system, change svrun's own niceness
// (the child inherits it), stack the tools, and exec PROG with its status passed through.
import { getPriority, setPriority } from 'node:os';
import { SvrunError, djbError } from '../../errors.js';
import { execCommand, resolveProgram } from '../exec.js';
import { lookupIds } from './ids.js';
import { readHardLimits } from './limits.js';
import { parseChpstArgs } from './options.js';
import { withChpst, type ChpstInputs } from './transform.js';

/** Runs chpst's argv (after `chpst`); resolves to PROG's exit status, throws SvrunError. */
export async function runChpst(
  argv: string[],
  base: Record<string, string | undefined>,
  warn: (line: string) => void,
): Promise<number> {
  const o = parseChpstArgs(argv);
  const inputs: ChpstInputs = {};
  if (o.envDir !== undefined) {
    const { readEnvDir } = await import('../../envdir/read.js');
    const { patch, warnings } = await readEnvDir(o.envDir, { verbose: o.verbose });
    if (o.verbose) for (const w of warnings) warn(w);
    inputs.envPatch = patch;
  }
  // chpst looks users up after chroot, so in the new root's /etc files
  if (o.envUser !== undefined) inputs.envUser = await lookupIds(o.envUser, o.root);
  if (o.user !== undefined) inputs.user = await lookupIds(o.user, o.root);
  if (Object.keys(o.limits).length > 0) inputs.hardLimits = await readHardLimits();
  const env = Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
  const cmd = withChpst({ file: o.prog, args: o.args, env }, o, inputs);
  // A stacked tool would report a missing PROG in its own words and exit 127; say it as chpst does.
  if (cmd.file !== o.prog) resolveProgram(o.prog, cmd.env.PATH, o.root ?? '/');
  if (o.nice !== undefined) renice(o.nice);
  return execCommand(cmd);
}

// nice(2) semantics: relative to the current value, clamped to -20..19.
function renice(inc: number): void {
  const target = Math.max(-20, Math.min(19, getPriority() + inc));
  try {
    setPriority(target);
  } catch (err) {
    throw new SvrunError('SYSTEM', `unable to set nice level: ${djbError(err)}`, { cause: err });
  }
}
