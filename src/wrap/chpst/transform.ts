// chpst's options as a Command → Command transform: the env changes go into env, and
// each state change Node cannot make is one OS tool stacked in front of PROG. Every tool
// here execs the next in place (no fork), so the pid svrun spawns ends up being PROG.
import { join } from 'node:path';
import { SvrunError } from '../../errors.js';
import type { Command } from '../command.js';
import type { Ids } from './ids.js';
import type { HardLimits } from './limits.js';
import type { ChpstOptions, LimitName } from './options.js';
import { needsPrelude, preludeArgv } from './prelude.js';
import { DEFAULT_TOOLS, type Tools } from './tools.js';

/** What chpst needs besides the options, read from the system beforehand. */
export interface ChpstInputs {
  /** -e result: null unsets. */
  envPatch?: Record<string, string | null>;
  /** -u resolved. */
  user?: Ids;
  /** -U resolved. */
  envUser?: Ids;
  /** Hard limits svrun (and so the child) has. */
  hardLimits?: HardLimits;
  tools?: Tools;
}

/** Returns cmd (PROG as given) changed as chpst options o say; spawns nothing. */
export function withChpst(cmd: Command, o: ChpstOptions, inputs: ChpstInputs = {}): Command {
  const tools = inputs.tools ?? DEFAULT_TOOLS;
  if (o.root !== undefined && o.argv0 !== undefined) throw new SvrunError('USAGE', '-b cannot be combined with -/ (chroot has no argv0 option)');
  if (o.root !== undefined && o.cwd !== undefined) throw new SvrunError('USAGE', '-C cannot be combined with -/ (chroot always starts in /)');
  const env = applyEnv(cmd.env, inputs);
  const chain: string[] = [];
  if (o.setsid) chain.push(tools.setsid);
  chain.push(...prlimitArgs(o.limits, inputs.hardLimits ?? {}, tools));
  if (inputs.user && o.root === undefined) {
    const { uid, gid, groups } = inputs.user;
    chain.push(tools.setpriv, '--reuid', String(uid), '--regid', String(gid), '--groups', groups.join(','), '--');
  }
  const lock = o.lock && o.root !== undefined ? { ...o.lock, file: join(o.root, o.lock.file) } : o.lock;
  const spec = { lock, close: o.close, argv0: chain.length > 0 || needsPrelude({ lock, close: o.close }) ? o.argv0 : undefined };
  const tail: string[] = [];
  if (o.root !== undefined) {
    tail.push(tools.chroot);
    if (inputs.user) {
      const { uid, gid, groups } = inputs.user;
      tail.push(`--userspec=${uid}:${gid}`, `--groups=${groups.join(',')}`);
    }
    tail.push(o.root);
  }
  tail.push(cmd.file, ...cmd.args);
  if (needsPrelude(spec)) chain.push(...preludeArgv(spec, tools, tail));
  else chain.push(...tail);
  const [file, ...args] = chain as [string, ...string[]];
  const out: Command = { file, args, env };
  const argv0 = spec.argv0 === undefined ? (o.argv0 ?? cmd.argv0) : undefined;
  if (argv0 !== undefined) out.argv0 = argv0;
  const cwd = o.cwd ?? cmd.cwd;
  if (cwd !== undefined) out.cwd = cwd;
  return out;
}

// -e first, then -U, as chpst applies them.
function applyEnv(base: Record<string, string>, inputs: ChpstInputs): Record<string, string> {
  const env = { ...base };
  for (const [k, v] of Object.entries(inputs.envPatch ?? {})) {
    if (v === null) delete env[k];
    else env[k] = v;
  }
  if (inputs.envUser) {
    env.UID = String(inputs.envUser.uid);
    env.GID = String(inputs.envUser.gid);
  }
  return env;
}

// Soft limits only ("N:" keeps the hard limit), clamped to the hard limit as chpst does.
function prlimitArgs(limits: ChpstOptions['limits'], hard: HardLimits, tools: Tools): string[] {
  const entries = Object.entries(limits) as [LimitName, number][];
  if (entries.length === 0) return [];
  const args = entries.map(([name, n]) => `--${name}=${Math.min(n, hard[name] ?? Infinity)}:`);
  return [tools.prlimit, ...args, '--'];
}
