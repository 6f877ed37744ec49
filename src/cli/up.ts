// `svrun up [DIR]` supervises a services dir (default ./services) in the foreground.
// `svrun up SERVICE…` is sv's `up`: the word is shared, and an argument that is a service
// dir (it has a run file) or a name under SVDIR/-d means the latter.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Registrar } from './commands.js';
// loaded with the CLI already (main.ts: the status fast path)
import { runSv } from '../sv/run.js';

/** Options of `svrun up`. */
interface UpFlags {
  quiet?: boolean;
  console?: boolean;
  scale?: string[];
  envReload: boolean;
  verbose?: boolean;
  wait?: string;
  dir?: string;
}

/** Registers `up`. */
export const registerUp: Registrar = (program, result, io) => {
  program
    .command('up')
    .description('supervise every service in DIR (default ./services) until TERM/INT/HUP; or, given services, start them as sv up does')
    .argument('[dir-or-services...]', 'a services dir, or services to start')
    .option('-q, --quiet', "show only svrun's own events, not the services' output")
    .option('--console', "print the services' output lines on stdout even when it is not a terminal")
    .option('--scale <name=count>', 'run COUNT instances of service NAME on consecutive ports from its PORT (repeatable; overrides its scale file)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--no-env-reload', 'do not restart a service when its env/ or .env changes')
    .option('-v, --verbose', 'with services: wait until they are up (as sv -v)')
    .option('-w, --wait <sec>', 'with services: wait up to SEC seconds (as sv -w)')
    .option('-d, --dir <dir>', 'with services: the services dir names resolve against (default $SVDIR)')
    .action(async (args: string[], flags: UpFlags) => {
      if (isSupervise(args, flags)) {
        const [{ runUp }, { parseScale }] = await Promise.all([import('../supervisor/up.js'), import('../supervisor/scale.js')]);
        result.code = await runUp(args[0] ?? 'services', {
          quiet: flags.quiet ?? false,
          envReload: flags.envReload,
          scale: parseScale(flags.scale ?? []),
          ...(flags.console ? { console: true } : {}),
        });
        return;
      }
      result.code = await runSv('up', args, { verbose: flags.verbose ?? false, wait: flags.wait, dir: flags.dir }, io);
    });
};

// No argument, or one path that is not a service: a services dir. A service is a dir with a
// run file, or a bare name (no slash) that sv would look up in SVDIR.
function isSupervise(args: string[], flags: UpFlags): boolean {
  if (flags.verbose || flags.wait || flags.dir) return false;
  if (flags.scale || flags.console || flags.quiet) return true;
  if (args.length === 0) return true;
  if (args.length > 1) return false;
  const arg = args[0]!;
  try {
    return statSync(arg).isDirectory() && !existsSync(join(arg, 'run'));
  } catch {
    return arg.includes('/') || arg.startsWith('.');
  }
}
