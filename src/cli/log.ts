// `svrun log [-t|-tt|-ttt] [-v] [-r c] [-R xyz] [-l len] [-b buflen] DIR…`: an svlogd work-alike.
import type { Registrar } from './commands.js';
import { fstatSync } from 'node:fs';
import { reporting } from './report.js';

const more = (_: unknown, n: number) => n + 1;

/** Registers `log`. */
export const registerLog: Registrar = (program, result, io) => {
  program
    .command('log')
    .description('read lines on stdin and write them to log directories, rotating as svlogd does')
    .argument('<dirs...>', 'log directories (each may hold a config file: s n N t ! p + - e E)')
    .option('-t, --timestamp', 'prefix lines with a timestamp: -t TAI64N, -tt YYYY-MM-DD_HH:MM:SS.xxxxx, -ttt ISO 8601', more, 0)
    .option('-v, --verbose', 'report opens and rotations on stderr', more, 0)
    .option('-r <c>', 'replace non-printable characters with c', undefined)
    .option('-R <chars>', 'also replace these characters (with c, or _ without -r)', undefined)
    .option('-l <len>', 'match, replace and echo only the first len bytes of a line (default 1000)')
    .option('-b <buflen>', 'write a line without newline in pieces past buflen bytes (default 1024; must exceed -l)')
    .action(async (dirs: string[], o: { timestamp: number; verbose: number; r?: string; R?: string; l?: string; b?: string }) => {
      const warn = (m: string) => io.stderr(`svrun log: ${m}\n`);
      result.code = await reporting('svrun log', io, async () => {
        const [{ parseLogArgs }, { runLog }, { growPipe }] = await Promise.all([import('../log/args.js'), import('../log/run.js'), import('../os/pipesize.js')]);
        const { verbose, ...opts } = parseLogArgs({
          timestamp: o.timestamp, verbose: o.verbose, replaceChar: o.r, replaceSet: o.R, lineMax: o.l, bufLen: o.b,
        });
        // runsv's pipe (or svrun up's): grown as svrun up grows its own, so the service blocks less
        if (isPipe(0)) growPipe(0);
        return runLog(dirs, { ...opts, ...(verbose ? { info: (m: string) => warn(`info: ${m}`) } : {}) }, {
          stdin: process.stdin, signals: process, warn,
        });
      });
    });
};

function isPipe(fd: number): boolean {
  try {
    return fstatSync(fd).isFIFO();
  } catch {
    return false; // stdin closed
  }
}
