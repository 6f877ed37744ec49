// `svrun log DIR…`: stdin to every log directory, with svlogd's signals (HUP reopen, ALRM
// rotate, TERM finish) and back-pressure: while any DIR lags, stdin is not read, so the
// pipe fills and the writer upstream blocks.
import type { Readable } from 'node:stream';
import { SvrunError } from '../errors.js';
import type { LogWriterOptions } from './options.js';
import { LogWriter } from './writer.js';

const SIGNALS: NodeJS.Signals[] = ['SIGHUP', 'SIGALRM', 'SIGTERM', 'SIGINT'];

/** On TERM, how long a refusing disk may hold the remaining data before svrun log gives up. */
export const TERM_GIVE_UP_MS = 5000;

/** On TERM in the middle of a line, how long to keep reading for its end (svlogd: forever). */
export const TERM_LINE_END_MS = 1000;

/** What runLog reads from, reports to and takes signals from (process, in the CLI). */
export interface LogIo {
  stdin: Readable;
  signals: NodeJS.EventEmitter;
  warn(msg: string): void;
}

/** Runs the logger until EOF or TERM; resolves 0, throws SvrunError (111) if data could not be written. */
export async function runLog(dirs: string[], opts: LogWriterOptions, io: LogIo): Promise<number> {
  // Signals are ours from the start: until a listener exists a signal takes its default action,
  // and a TERM just after current is open would kill the logger instead of ending it cleanly.
  // What arrives while the directories open is handled once they are.
  const early: NodeJS.Signals[] = [];
  const keep = (sig: NodeJS.Signals) => void early.push(sig);
  for (const sig of SIGNALS) io.signals.on(sig, keep);
  const unkeep = () => { for (const sig of SIGNALS) io.signals.removeListener(sig, keep); };
  let writers: LogWriter[];
  try {
    writers = await openAll(dirs, opts, io);
  } catch (err) {
    unkeep();
    throw err;
  }
  const { stdin, signals } = io;
  let reopening = false;
  let ending = false;
  let termed = false;
  let fatal: SvrunError | null = null;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));

  let lineEnd: NodeJS.Timeout | null = null;
  const feed = (chunk: Buffer) => {
    let ok = true;
    for (const w of writers) ok = w.write(chunk) && ok;
    if (lineEnd && !writers.some((w) => w.midLine)) end(true);
    else if (!ok) stdin.pause();
  };
  const resume = () => {
    if (!reopening && !ending && !writers.some((w) => w.full)) stdin.resume();
  };
  const end = (term: boolean) => {
    termed ||= term;
    if (lineEnd) clearTimeout(lineEnd);
    if (ending) return;
    ending = true;
    stdin.pause();
    finish();
  };
  const onHup = async () => {
    if (reopening || ending) return;
    reopening = true;
    stdin.pause();
    const alive: LogWriter[] = [];
    for (const w of writers) {
      try {
        await w.reopen();
        alive.push(w);
      } catch (err) {
        io.warn(`warning: ${(err as Error).message}`);
      }
    }
    writers = alive;
    reopening = false;
    if (writers.length === 0) {
      fatal = new SvrunError('SYSTEM', 'no functional log directories');
      end(false);
    }
    resume();
  };
  const onAlrm = () => writers.forEach((w) => w.rotate());
  // Like svlogd, finish the line being read so the next logger does not start mid-line.
  const onTerm = () => {
    if (ending || lineEnd) return;
    if (!writers.some((w) => w.midLine)) return end(true);
    lineEnd = setTimeout(() => end(true), TERM_LINE_END_MS);
  };
  for (const w of writers) w.on('drain', resume);
  signals.on('SIGHUP', onHup);
  signals.on('SIGALRM', onAlrm);
  signals.on('SIGTERM', onTerm);
  signals.on('SIGINT', onTerm);
  unkeep();
  stdin.on('data', feed);
  stdin.on('end', () => end(false));
  stdin.on('error', (err) => {
    io.warn(`warning: unable to read standard input: ${err.message}`);
    end(false);
  });
  stdin.resume();
  for (const sig of early) signals.emit(sig, sig);
  await finished;

  // Bytes already read from the pipe are ours to write; the rest stays there for the next logger.
  stdin.removeListener('data', feed);
  for (let c = stdin.read() as Buffer | null; c !== null; c = stdin.read() as Buffer | null) {
    for (const w of writers) w.write(c);
  }
  stdin.destroy();
  let timer: NodeJS.Timeout | null = null;
  const giveUpLater = () => {
    timer ??= setTimeout(() => writers.forEach((w) => w.giveUp()), TERM_GIVE_UP_MS);
  };
  if (termed) giveUpLater();
  signals.on('SIGTERM', giveUpLater);
  const failures: string[] = [];
  await Promise.all(writers.map((w) => w.close().catch((e: Error) => void failures.push(e.message))));
  if (timer) clearTimeout(timer);
  for (const [sig, fn] of [['SIGHUP', onHup], ['SIGALRM', onAlrm], ['SIGTERM', onTerm], ['SIGINT', onTerm], ['SIGTERM', giveUpLater]] as const) {
    signals.removeListener(sig, fn);
  }
  if (fatal) throw fatal;
  if (failures.length) throw new SvrunError('SYSTEM', failures.join('; '));
  return 0;
}

// svlogd carries on with the directories it can lock; with none it is fatal.
async function openAll(dirs: string[], opts: LogWriterOptions, io: LogIo): Promise<LogWriter[]> {
  const writers: LogWriter[] = [];
  for (const dir of dirs) {
    const w = new LogWriter(dir, { warn: io.warn, ...opts });
    try {
      await w.open();
      writers.push(w);
    } catch (err) {
      if (!(err instanceof SvrunError)) throw err;
      io.warn(`warning: ${err.message}`);
    }
  }
  if (writers.length === 0) throw new SvrunError('SYSTEM', 'no functional log directories');
  return writers;
}
