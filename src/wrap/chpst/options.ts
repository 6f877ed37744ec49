// chpst's command line as a typed value: getopt-style parsing (bundled letters, values
// attached or separate, options stop at the first non-option), pure and unit-tested.
import { SvrunError } from '../../errors.js';

/** Resource limits chpst can lower (soft limit only), by rlimit name. */
export type LimitName = 'data' | 'stack' | 'memlock' | 'as' | 'nofile' | 'nproc' | 'fsize' | 'core' | 'cpu' | 'rss';

/** Everything `svrun chpst` was asked to change before running prog. */
export interface ChpstOptions {
  user?: string;
  envUser?: string;
  argv0?: string;
  envDir?: string;
  root?: string;
  cwd?: string;
  nice?: number;
  lock?: { file: string; wait: boolean };
  limits: Partial<Record<LimitName, number>>;
  verbose: boolean;
  setsid: boolean;
  close: { stdin: boolean; stdout: boolean; stderr: boolean };
  version: boolean;
  prog: string;
  args: string[];
}

// chpst's limit letters; -m sets four limits at once, as chpst does.
const LIMIT_LETTERS: Record<string, LimitName[]> = {
  m: ['data', 'stack', 'memlock', 'as'],
  d: ['data'],
  o: ['nofile'],
  p: ['nproc'],
  f: ['fsize'],
  c: ['core'],
  r: ['rss'],
  t: ['cpu'],
};
const WITH_VALUE = new Set(['u', 'U', 'b', 'e', '/', 'C', 'n', 'l', 'L', ...Object.keys(LIMIT_LETTERS)]);
const FLAGS = new Set(['v', 'V', 'P', '0', '1', '2']);

/** Parses chpst's arguments (after `chpst`); throws USAGE errors naming the bad option. */
export function parseChpstArgs(argv: string[]): ChpstOptions {
  const o: ChpstOptions = {
    limits: {}, verbose: false, setsid: false, version: false,
    close: { stdin: false, stdout: false, stderr: false }, prog: '', args: [],
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') { i++; break; }
    if (!arg.startsWith('-') || arg === '-') break;
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      if (FLAGS.has(letter)) { flag(o, letter); continue; }
      if (!WITH_VALUE.has(letter)) throw usage(`illegal option -- ${letter}`);
      let value = arg.slice(j + 1);
      if (value === '') {
        if (i + 1 >= argv.length) throw usage(`option requires an argument -- ${letter}`);
        value = argv[++i]!;
      }
      withValue(o, letter, value);
      break;
    }
  }
  if (o.version) throw usage('svrun chpst is a chpst (runit 2.1.2) work-alike');
  if (i >= argv.length) throw usage('missing prog');
  o.prog = argv[i]!;
  o.args = argv.slice(i + 1);
  return o;
}

function flag(o: ChpstOptions, letter: string): void {
  if (letter === 'v') o.verbose = true;
  else if (letter === 'V') o.version = true;
  else if (letter === 'P') o.setsid = true;
  else if (letter === '0') o.close.stdin = true;
  else if (letter === '1') o.close.stdout = true;
  else o.close.stderr = true;
}

function withValue(o: ChpstOptions, letter: string, value: string): void {
  const limits = LIMIT_LETTERS[letter];
  if (limits) {
    const n = count(letter, value);
    for (const name of limits) o.limits[name] = n;
    return;
  }
  switch (letter) {
    case 'u': o.user = value; break;
    case 'U': o.envUser = value; break;
    case 'b': o.argv0 = value; break;
    case 'e': o.envDir = value; break; // only the last -e counts, as in chpst
    case '/': o.root = value; break;
    case 'C': o.cwd = value; break;
    case 'l': o.lock = { file: value, wait: true }; break;
    case 'L': o.lock = { file: value, wait: false }; break;
    case 'n': o.nice = niceness(value); break;
  }
}

function count(letter: string, value: string): number {
  if (!/^\d+$/.test(value)) throw usage(`-${letter}: not a number: ${value}`);
  return Number(value);
}

function niceness(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw usage(`-n: not a number: ${value}`);
  return Number(value);
}

function usage(why: string): SvrunError {
  return new SvrunError('USAGE', why);
}
