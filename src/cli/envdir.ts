// `svrun envdir DIR PROG…` (daemontools envdir work-alike) and `svrun env [PATH…]` (show what env files set).
import type { Registrar } from './commands.js';
import { reporting } from './report.js';

/** Registers `envdir` and `env`. */
export const registerEnvdir: Registrar = (program, result, io) => {
  program
    .command('envdir')
    .description('run PROG with the environment changed by the files in DIR, as daemontools envdir and chpst -e')
    .argument('<dir>', 'env dir: one file per variable, first line is the value, an empty file unsets')
    .argument('<prog>', 'program to run')
    .argument('[args...]', 'arguments of prog')
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (dir: string, prog: string, args: string[]) => {
      result.code = await reporting('svrun envdir', io, async () => {
        const { runEnvdir } = await import('../envdir/run.js');
        return runEnvdir(dir, prog, args, process.env, (w) => io.stderr(`svrun envdir: warning: ${w}\n`));
      });
    });
  program
    .command('env')
    .description('show the variables a service dir (.env files, env/) or an env dir sets, and where each comes from')
    .argument('[paths...]', 'service dirs or env dirs (default: the current dir)')
    .option('--json', 'print JSON: { NAME: { value, from, file } }')
    .option('--show-secrets', 'print values of *KEY*, *SECRET*, *PASSWORD*, *TOKEN* variables and URL passwords')
    .option('--all', "also list variables inherited from svrun's own environment")
    .action(async (paths: string[], opts: { json?: boolean; showSecrets?: boolean; all?: boolean }) => {
      result.code = await reporting('svrun env', io, async () => {
        const [{ inspectEnv }, { formatJson, formatText }] = await Promise.all([
          import('../envdir/inspect.js'),
          import('../envdir/show.js'),
        ]);
        const list = paths.length ? paths : ['.'];
        // Read every path before printing anything: output is all or nothing.
        const inspections = [];
        for (const path of list) inspections.push(await inspectEnv(path, { all: !!opts.all, inherited: process.env }));
        for (const ins of inspections) for (const w of ins.warnings) io.stderr(`svrun env: warning: ${w}\n`);
        const show = { showSecrets: !!opts.showSecrets, cwd: process.cwd() };
        io.stdout(opts.json ? formatJson(inspections, show) : formatText(inspections, show));
        return 0;
      });
    });
};
