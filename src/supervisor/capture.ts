// Default capture: a service without log/run still gets its stdout and stderr written to
// rotated, timestamped files by svrun's own svlogd work-alike, stderr lines marked.
// Where: log/main/ when the service has a log/ dir without run (as if log/run were
// `exec svlogd ./main`), else supervise/log/ — never a new log/ dir, which real runit would
// take for a log service without run.
// The files get the raw chunks (the writer frames and stamps lines itself, stderr in a lane of
// its own); lines are split in JS only when the console shows them.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { LogWriter } from '../log/writer.js';
import { lineSplitter, type ChunkSink, type LineSink } from './lines.js';

/** The capture dir of the service in dir. */
export function captureDir(dir: string): string {
  const log = join(dir, 'log');
  let logIsDir = false;
  try {
    logIsDir = statSync(log).isDirectory();
  } catch { /* no log/ */ }
  return logIsDir && !existsSync(join(log, 'run')) ? join(log, 'main') : join(dir, 'supervise', 'log');
}

/** The mark of a captured stderr line, after the timestamp. */
export const STDERR_MARK = 'stderr: ';

/** Opens the capture writer of a service (-tt timestamps, svlogd's rotation defaults or log dir config). */
export async function openCapture(dir: string, log: Logger): Promise<LogWriter> {
  const target = captureDir(dir);
  mkdirSync(target, { recursive: true });
  const writer = new LogWriter(target, {
    stamp: 2,
    marks: [STDERR_MARK],
    warn: (msg) => log.warn({ event: 'log-write' }, msg.replace(/^warning: /, '')),
    echo: () => undefined,
    // This svrun holds the service's supervise/lock: no other supervisor writes here.
    lock: false,
  });
  await writer.open();
  return writer;
}

const laneOf = (stream: 'stdout' | 'stderr') => (stream === 'stderr' ? 1 : 0);

/** A sink writing the service's bytes to writer, stderr lines marked. */
export function fileSink(writer: LogWriter): ChunkSink {
  return {
    write: (_service, stream, line) => writer.write(`${line}\n`, laneOf(stream)),
    chunk: (_service, stream, data) => writer.write(data, laneOf(stream)),
    end: (_service, stream) => writer.endLine(laneOf(stream)),
    onDrain: (cb) => void writer.once('drain', cb),
  };
}

/**
 * A sink that writes to both; b gets raw chunks, a (the console) lines, split only when it
 * shows them. It asks to pause while either is full, until both drain.
 */
export function teeSink(a: LineSink, b: ChunkSink): ChunkSink {
  let fullA = false;
  let fullB = false;
  const splitters = new Map<string, ReturnType<typeof lineSplitter>>();
  const splitter = (service: string, stream: string) => {
    const key = `${service}\0${stream}`;
    let s = splitters.get(key);
    if (!s) splitters.set(key, (s = lineSplitter()));
    return s;
  };
  const toA = (service: string, stream: 'stdout' | 'stderr', lines: string[]) => {
    for (const line of lines) fullA = !a.write(service, stream, line) || fullA;
  };
  return {
    write(service, stream, line) {
      if (!a.quiet) toA(service, stream, [line]);
      fullB = !b.write(service, stream, line) || fullB;
      return !fullA && !fullB;
    },
    chunk(service, stream, data) {
      fullB = !b.chunk(service, stream, data) || fullB;
      if (!a.quiet) toA(service, stream, splitter(service, stream).push(data));
      return !fullA && !fullB;
    },
    end(service, stream) {
      b.end(service, stream);
      const rest = a.quiet ? null : splitter(service, stream).end();
      if (rest !== null) toA(service, stream, [rest]);
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
