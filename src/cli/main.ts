// The CLI: commander program setup. Each command lives in its own module under src/cli/
// and is loaded lazily, so `svrun status` does not pay for what `svrun up` needs.
import { exitCodeOf } from '../errors.js';
import { plainStatus } from './fast-status.js';
import { writeFd } from './fdout.js';
import { reporting } from './report.js';
// static: the status fast path needs it at once, and a dynamic import costs it another loader round
import { runSv } from '../sv/run.js';

/** Runs the CLI with argv (as process.argv) and resolves to the exit code. Never calls process.exit. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  // Monitoring runs `svrun status` every few seconds: its plain forms skip commander.
  const status = plainStatus(argv.slice(2));
  if (status) {
    return reportErrors(io, () => runSv('status', status.names, status.flags, io));
  }
  // the commands past this point may write to process.stdout (up's console, logs): closed by
  // the reader early (`| head`), it is not an error worth a stack trace
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const [{ Command, CommanderError }, { registerCommands }, { VERSION }] = await Promise.all([import('commander'), import('./commands.js'), import('../version.js')]);
  const program = new Command('svrun');
  program
    .version(`svrun ${VERSION}`, '-V, --version', 'print the version')
    .description('svrun: supervise services in runit-style directories, and run programs with chpst-style changes')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      // One line, runit style: "svrun: usage: unknown command 'x'".
      outputError: (s, write) => write(`svrun: usage: ${s.replace(/^error: /, '')}`),
    })
    .showSuggestionAfterError(true)
    // Options after a command word belong to that command (and, for chpst/envdir, to PROG).
    .enablePositionalOptions();
  const result: { code: number } = { code: 0 };
  registerCommands(program, result, io);
  return reportErrors(io, async () => {
    try {
      await program.parseAsync(argv);
      return result.code;
    } catch (err) {
      // help and version exit 0; everything else commander rejects is usage.
      if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 100;
      throw err;
    }
  });
}

// The outermost net: svrun's errors as reporting() prints them, anything else as a bug (101).
async function reportErrors(io: CliIo, work: () => Promise<number>): Promise<number> {
  try {
    return await reporting('svrun', io, work);
  } catch (err) {
    io.stderr(`svrun: fatal: internal error: ${(err as Error)?.message ?? String(err)}\n`);
    return exitCodeOf(err);
  }
}

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

function defaultIo(): CliIo {
  return {
    stdout: (s) => writeFd(1, s),
    stderr: (s) => writeFd(2, s),
  };
}
