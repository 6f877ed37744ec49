// `svrun logs`: the log files of one or more services, merged in time order and prefixed;
// with follow, new lines as they come, across rotations, until TERM or INT.
import { watch, type FSWatcher } from 'node:fs';
import { once } from 'node:events';
import { mergeByTime, formatter } from './merge.js';
import type { LogRecord } from './parse.js';
import { Tail } from './tail.js';
import type { LogSource } from './where.js';

/** Options of `svrun logs`. */
export interface LogsOptions {
  follow: boolean;
  /** Only the last n lines of history (null: all). */
  lines: number | null;
  /** Only lines at or after this time (ms); untimed lines pass. */
  since: number | null;
  json: boolean;
  color: boolean;
}

/** What runLogs writes to and takes signals from (process, in the CLI). */
export interface LogsIo {
  out: NodeJS.WritableStream;
  signals: NodeJS.EventEmitter;
}

// Without inotify events (some filesystems), look this often anyway.
const POLL_MS = 250;

/** Prints the history, then follows if asked; resolves 0 when done or stopped. */
export async function runLogs(sources: LogSource[], o: LogsOptions, io: LogsIo): Promise<number> {
  const width = Math.max(0, ...sources.map((s) => s.service.length));
  const format = formatter(sources.map((s) => s.service), { json: o.json, color: o.color, width });
  const keep = (r: LogRecord) => o.since === null || r.time === null || r.time >= o.since;
  let broken = false;
  io.out.on('error', () => (broken = true)); // EPIPE: the reader went away (| head)
  const print = async (recs: LogRecord[]) => {
    for (let i = 0; i < recs.length && !broken; i += 1000) {
      if (!io.out.write(recs.slice(i, i + 1000).map(format).join(''))) await Promise.race([once(io.out, 'drain'), once(io.out, 'error')]);
    }
  };
  const tails = sources.map((s) => new Tail(s.service, s.dir));
  for (const t of tails) t.open();
  try {
    let history = mergeByTime(tails.map((t) => t.history())).filter(keep);
    if (o.lines !== null) history = o.lines === 0 ? [] : history.slice(-o.lines);
    await print(history);
    if (!o.follow || broken) return 0;
    await follow(tails, (recs) => print(recs.filter(keep)), io, () => broken);
    return 0;
  } finally {
    for (const t of tails) t.close();
  }
}

async function follow(tails: Tail[], print: (r: LogRecord[]) => Promise<void>, io: LogsIo, broken: () => boolean): Promise<void> {
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  let busy = false;
  let again = false;
  const tick = async () => {
    if (busy) { again = true; return; }
    busy = true;
    do {
      again = false;
      await print(mergeByTime(tails.map((t) => t.poll())));
    } while (again);
    busy = false;
    if (broken()) stop();
  };
  const watchers: FSWatcher[] = [];
  for (const t of tails) {
    try {
      watchers.push(watch(t.dir, () => void tick()).on('error', () => undefined));
    } catch { /* no dir yet: the timer finds it */ }
  }
  const timer = setInterval(() => void tick(), POLL_MS);
  io.signals.once('SIGTERM', stop);
  io.signals.once('SIGINT', stop);
  await stopped;
  clearInterval(timer);
  for (const w of watchers) w.close();
  io.signals.removeListener('SIGTERM', stop);
  io.signals.removeListener('SIGINT', stop);
  while (busy) await new Promise((r) => setImmediate(r));
}
