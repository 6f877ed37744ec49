// `svrun status|down|once|pause|…|check SERVICE…`: runit's sv client, as svrun commands.
// `up` is registered by up.ts (the word is shared with `svrun up [DIR]`).
import type { Registrar } from './commands.js';
// loaded with the CLI already (main.ts: the status fast path)
import { runSv } from '../sv/run.js';

/** Options every sv command takes. */
interface SvFlags {
  verbose?: boolean;
  wait?: string;
  dir?: string;
  json?: boolean;
}

// [word, what it does]; the runner maps each word to control letters (src/sv/commands.ts).
const COMMANDS: [string, string][] = [
  ['down', 'stop SERVICE and keep it down (d)'],
  ['once', 'start SERVICE if down, do not restart it when it stops (o)'],
  ['pause', 'send STOP (p)'],
  ['cont', 'send CONT (c)'],
  ['hup', 'send HUP (h)'],
  ['alarm', 'send ALRM (a)'],
  ['interrupt', 'send INT (i)'],
  ['quit', 'send QUIT (q)'],
  ['1', 'send USR1'],
  ['2', 'send USR2'],
  ['term', 'send TERM (t)'],
  ['kill', 'send KILL (k)'],
  ['exit', 'stop SERVICE and its supervisor (x)'],
  ['start', 'up, then wait until it runs and ./check passes'],
  ['stop', 'down, then wait until it is down'],
  ['reload', 'send HUP and report'],
  ['restart', 'TERM, CONT, up, then wait until it runs again and ./check passes'],
  ['shutdown', 'exit, then wait until the supervisor is gone'],
  ['force-stop', 'stop; KILL on timeout'],
  ['force-reload', 'TERM and CONT, wait; KILL on timeout'],
  ['force-restart', 'restart; KILL on timeout'],
  ['force-shutdown', 'shutdown; KILL on timeout'],
  ['try-restart', 'TERM and CONT if it runs, then wait'],
  ['check', 'wait until SERVICE is as wanted (up: runs and ./check passes; down: down)'],
];

/** Registers status and the sv control commands. */
export const registerSv: Registrar = (program, result, io) => {
  const add = (word: string, what: string, servicesRequired: boolean) => {
    const cmd = program
      .command(word)
      .description(`${what}, as runit's sv ${word}`)
      .argument(servicesRequired ? '<services...>' : '[services...]', 'service names (looked up in -d DIR, else $SVDIR, else /etc/service) or paths')
      .option('-v, --verbose', 'wait until the command took effect, report ok:/timeout:')
      .option('-w, --wait <sec>', 'wait up to SEC seconds (default $SVWAIT, else 7); implies -v')
      .option('-d, --dir <dir>', 'the services dir names resolve against (overrides $SVDIR)');
    if (word === 'status') cmd.option('--json', 'print a JSON array, with svrun\'s own fields (failed, reason, ready…)');
    cmd.action(async (services: string[], flags: SvFlags) => {
      result.code = await runSv(word, services, flags, io);
    });
  };
  add('status', 'print the status of SERVICEs (all services of the services dir when none given; default ./services)', false);
  for (const [word, what] of COMMANDS) add(word, what, true);
};
