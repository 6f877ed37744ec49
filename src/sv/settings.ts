// sv's settings from options and environment: the services dir and the wait timeout.
import { SvrunError } from '../errors.js';

// sv waits 7 s unless -w or SVWAIT say otherwise.
const DEFAULT_WAIT_SEC = 7;

/** The services dir: -d DIR, else $SVDIR, else fallback. */
export function resolveSvdir(dir: string | undefined, env: NodeJS.ProcessEnv, fallback: string): string {
  return dir ?? (env.SVDIR || fallback);
}

/** The wait timeout in seconds: -w SEC, else $SVWAIT, else 7; a value that is not a number is a usage error. */
export function resolveWait(flag: string | undefined, env: NodeJS.ProcessEnv): number {
  if (flag !== undefined) return parseSeconds(flag, '-w');
  if (env.SVWAIT !== undefined && env.SVWAIT !== '') return parseSeconds(env.SVWAIT, 'SVWAIT');
  return DEFAULT_WAIT_SEC;
}

function parseSeconds(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new SvrunError('USAGE', `${what}: not a whole number of seconds: ${text}; give e.g. ${what === '-w' ? '-w 10' : 'SVWAIT=10'}`);
  }
  return Number(text.trim());
}
