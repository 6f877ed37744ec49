// The CLI: commander program setup. Each command lives in its own module under src/cli/
// and is loaded lazily, so `svrun status` does not pay for what `svrun up` needs.
import { Command, CommanderError } from 'commander';
import { SvrunError, exitCodeOf } from '../errors.js';
import { VERSION } from '../version.js';
import { registerCommands } from './commands.js';

/** Runs the CLI with argv (as process.argv) and resolves to the exit code. Never calls process.exit. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
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
  try {
    await program.parseAsync(argv);
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; everything else commander rejects is usage.
      if (err.exitCode === 0) return 0;
      return 100;
    }
    if (err instanceof SvrunError) {
      io.stderr(`svrun: fatal: ${err.message}\n`);
      return err.exitCode;
    }
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
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
  };
}
