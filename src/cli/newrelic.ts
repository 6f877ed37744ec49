// `svrun newrelic run-program|config|validate`: the New Relic Node agent for one program, and
// checks of a service's agent settings (Python's newrelic-admin, for Node).
import type { Registrar } from './commands.js';
import { reporting } from './report.js';

/** Registers `newrelic` and its subcommands. */
export const registerNewrelic: Registrar = (program, result, io) => {
  const nr = program
    .command('newrelic')
    .description('run a program with the New Relic agent, or show and check a service\'s New Relic settings');
  const warn = (w: string) => io.stderr(`svrun newrelic: warning: ${w}\n`);
  nr.command('run-program')
    .description('run PROG with the agent preloaded (app name: NEW_RELIC_APP_NAME or the current dir\'s name)')
    .argument('<prog>', 'program to run')
    .argument('[args...]', 'arguments of prog')
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (prog: string, args: string[]) => {
      result.code = await reporting('svrun newrelic', io, async () => {
        const { runProgram } = await import('../wrap/newrelic/run.js');
        return runProgram(prog, args, process.env, warn);
      });
    });
  nr.command('config')
    .description('print the NEW_RELIC_* settings the agent of SERVICE_DIR (default: this env and dir) gets; secrets masked')
    .argument('[service-dir]', 'a service dir: its env/ and .env files are read')
    .action(async (dir: string | undefined) => {
      result.code = await reporting('svrun newrelic', io, async () => {
        const { showConfig } = await import('../wrap/newrelic/run.js');
        return showConfig(dir, process.env, io.stdout, warn);
      });
    });
  nr.command('validate')
    .description('check the settings, then reach the collector: proxy, CONNECT, TLS handshake; name the hop that fails')
    .argument('[service-dir]', 'a service dir: its env/ and .env files are read')
    .action(async (dir: string | undefined) => {
      result.code = await reporting('svrun newrelic', io, async () => {
        const { validate } = await import('../wrap/newrelic/validate.js');
        return validate(dir, process.env, io.stdout, warn);
      });
    });
};
