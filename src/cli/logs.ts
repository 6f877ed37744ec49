// `svrun logs [SERVICE…] [-f] [-n N] [--since TIME] [--json] [-d DIR]`: print or follow the
// log files of services, merged in time order.
import { SvrunError } from '../errors.js';
import type { Registrar } from './commands.js';
import { reporting } from './report.js';
import { wantColor } from './color.js';

/** Registers `logs`. */
export const registerLogs: Registrar = (program, result, io) => {
  program
    .command('logs')
    .description('print the log files of services (all, or those named), merged in time order; -f follows them across rotations')
    .argument('[services...]', 'service names (under -d) or service dirs; default: every service in the services dir')
    .option('-f, --follow', 'keep printing new lines until interrupted')
    .option('-n, --lines <n>', 'print only the last n lines of what is there already')
    .option('--since <time>', 'only lines from TIME on: 2026-11-28T10:00:00 (local unless Z), or back from now: 90s, 10m, 2h, 1d')
    .option('--json', 'one JSON object per line: {time, service, stream, line}')
    .option('-d, --dir <dir>', 'the services dir (default $SVDIR, else ./services)')
    .action(async (names: string[], o: { follow?: boolean; lines?: string; since?: string; json?: boolean; dir?: string }) => {
      result.code = await reporting('svrun logs', io, async () => {
        const [{ logSources }, { runLogs }, { parseSince }] = await Promise.all([
          import('../logs/where.js'), import('../logs/run.js'), import('../logs/merge.js'),
        ]);
        if (o.lines !== undefined && !/^\d+$/.test(o.lines)) throw new SvrunError('USAGE', `-n wants a number of lines, got "${o.lines}"`);
        const since = o.since === undefined ? null : parseSince(o.since);
        if (o.since !== undefined && since === null) {
          throw new SvrunError('USAGE', `--since wants a time such as 2026-11-28T10:00:00 or 10m, got "${o.since}"`);
        }
        const sources = logSources(names, o.dir ?? process.env.SVDIR ?? 'services');
        return runLogs(sources, {
          follow: o.follow ?? false, lines: o.lines === undefined ? null : Number(o.lines), since, json: o.json ?? false,
          color: !o.json && wantColor(process.stdout),
        }, { out: process.stdout, signals: process });
      });
    });
};

