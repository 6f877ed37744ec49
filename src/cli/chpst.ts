// `svrun chpst [options] PROG [ARGS…]`: a chpst work-alike. chpst's getopt-style options
// (bundled, values attached) are not commander's, so the command takes its argv raw.
import type { Registrar } from './commands.js';
import { reporting } from './report.js';

const HELP = `
Options (applied in chpst's order: -P -e -/ -n -U -u -l/-L -0/-1/-2 limits, then exec with -b):
  -u [:]user[:group[:group...]]  run as user; groups set gid and supplementary groups (":" = numeric)
  -U [:]user[:group]             set UID and GID in the environment only
  -b argv0   run prog with argv[0] = argv0
  -e dir     change the environment from the files in dir (as envdir)
  -/ root    chroot to root; prog is looked up inside it
  -C dir     change to dir before running prog
  -n inc     add inc to the nice value (+3, -2)
  -l file    take an exclusive lock on file, waiting for it
  -L file    take the lock or fail at once (exit 111)
  -m n       soft limit on data, stack, locked memory and address space (bytes)
  -d n  -o n  -p n  -f n  -c n  -r n  -t n
             soft limit on data, open files, processes, file size, core size, rss (bytes), cpu (s);
             only soft limits change, clamped to the hard limit
  -v         verbose warnings       -P  run in a new session and process group
  -0 -1 -2   close stdin / stdout / stderr
  -V         version and usage, exit 100
Exit: 100 usage, 111 unable to change state or run prog, else prog's status (128+n if killed by signal n).
`;

/** Registers `chpst`. */
export const registerChpst: Registrar = (program, result, io) => {
  program
    .command('chpst')
    .description('run PROG with a changed process state, as runit chpst: user, env dir, chroot, nice, lock, limits')
    .usage('[-vVP012] [-u user[:group]] [-U user[:group]] [-b argv0] [-e dir] [-/ root] [-C dir] [-n inc] [-l|-L lock] [-m n] [-d n] [-o n] [-p n] [-f n] [-c n] [-r n] [-t n] prog [args...]')
    .argument('[argv...]', 'chpst options, then prog and its arguments')
    .addHelpText('after', HELP)
    .passThroughOptions()
    .allowUnknownOption()
    .helpOption(false)
    .action(async (argv: string[], _opts: unknown, cmd: { outputHelp(): void }) => {
      if (argv[0] === '--help') {
        cmd.outputHelp();
        return;
      }
      result.code = await reporting('svrun chpst', io, async () => {
        const { runChpst } = await import('../wrap/chpst/run.js');
        return runChpst(argv, process.env, (w) => io.stderr(`svrun chpst: warning: ${w}\n`));
      }, ' (see svrun chpst --help)');
    });
};
