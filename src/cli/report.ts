// The one shape of a failed command's line on stderr, as runit's tools print it:
// `PREFIX: usage: …` for a usage error (exit 100), `PREFIX: fatal: …` for the rest.
// Exit codes themselves come from errors.ts.
import { SvrunError } from '../errors.js';
import type { CliIo } from './main.js';

/** Runs work; an SvrunError becomes one line on stderr and its exit code. Anything else is a bug and is rethrown. */
export async function reporting(prefix: string, io: CliIo, work: () => Promise<number>, usageHint = ''): Promise<number> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof SvrunError)) throw err;
    const usage = err.exitCode === 100;
    io.stderr(`${prefix}: ${usage ? 'usage' : 'fatal'}: ${err.message}${usage ? usageHint : ''}\n`);
    return err.exitCode;
  }
}
