// Default capture: a service without log/run still gets its stdout and stderr written to
// rotated, timestamped files by svrun's own svlogd work-alike, stderr lines marked.
// Where: log/main/ when the service has a log/ dir without run (as if log/run were
// `exec svlogd ./main`), else supervise/log/ — never a new log/ dir, which real runit would
// take for a log service without run.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { LogWriter } from '../log/writer.js';
import type { LineSink } from './lines.js';

/** The capture dir of the service in dir. */
export function captureDir(dir: string): string {
  const log = join(dir, 'log');
  let logIsDir = false;
  try {
    logIsDir = statSync(log).isDirectory();
  } catch { /* no log/ */ }
  return logIsDir && !existsSync(join(log, 'run')) ? join(log, 'main') : join(dir, 'supervise', 'log');
}

/** Opens the capture writer of a service (-tt timestamps, svlogd's rotation defaults or log dir config). */
export async function openCapture(dir: string, log: Logger): Promise<LogWriter> {
  const target = captureDir(dir);
  mkdirSync(target, { recursive: true });
  const writer = new LogWriter(target, {
    stamp: 2,
    warn: (msg) => log.warn({ event: 'log-write' }, msg.replace(/^warning: /, '')),
    echo: () => undefined,
  });
  await writer.open();
  return writer;
}

/** A sink writing every line to writer, stderr lines marked. */
export function fileSink(writer: LogWriter): LineSink {
  return {
    write: (_service, stream, line) => writer.write(stream === 'stderr' ? `stderr: ${line}\n` : `${line}\n`),
    onDrain: (cb) => void writer.once('drain', cb),
  };
}

/** A sink that writes to both; it asks to pause while either is full, until both drain. */
export function teeSink(a: LineSink, b: LineSink): LineSink {
  let fullA = false;
  let fullB = false;
  return {
    write(service, stream, line) {
      fullA = !a.write(service, stream, line) || fullA;
      fullB = !b.write(service, stream, line) || fullB;
      return !fullA && !fullB;
    },
    onDrain(cb) {
      let waiting = (fullA ? 1 : 0) + (fullB ? 1 : 0);
      if (waiting === 0) return cb();
      const one = () => { if (--waiting === 0) cb(); };
      if (fullA) a.onDrain(() => { fullA = false; one(); });
      if (fullB) b.onDrain(() => { fullB = false; one(); });
    },
  };
}
