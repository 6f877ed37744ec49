// svrun's own events (started, exited, restarting, failed, ready, env changed…) through pino:
// JSON lines when not on a terminal, short readable lines on one.
import { pino, type Logger, type DestinationStream } from 'pino';
import { paint } from '../cli/color.js';

/** Options for the event log. */
export interface EventLogOptions {
  /** Where lines go (default: stderr). */
  stream?: NodeJS.WritableStream;
  /** Readable lines instead of JSON (default: when stream is a TTY). */
  pretty?: boolean;
  color?: boolean;
  level?: string;
}

/** Creates svrun's event logger. */
export function createEventLog(opts: EventLogOptions = {}): Logger {
  const stream = opts.stream ?? process.stderr;
  const pretty = opts.pretty ?? Boolean((stream as { isTTY?: boolean }).isTTY);
  const dest: DestinationStream = pretty ? prettyStream(stream, opts.color ?? false) : { write: (s: string) => void stream.write(s) };
  return pino({ level: opts.level ?? 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, dest);
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };

// "12:00:01 svrun web: exited with code 3" — runit's "svrun NAME: what" shape, with a time.
function prettyStream(stream: NodeJS.WritableStream, color: boolean): DestinationStream {
  return {
    write(line: string) {
      let o: { time?: string; level?: number; service?: string; msg?: string };
      try {
        o = JSON.parse(line);
      } catch {
        stream.write(line);
        return;
      }
      const time = (o.time ?? '').slice(11, 19);
      const level = (o.level ?? 30) >= 40 ? `${LEVELS[o.level!]}: ` : '';
      const who = o.service ? `svrun ${o.service}` : 'svrun';
      const text = `${time} ${who}: ${level}${o.msg ?? ''}`;
      const styled = !color ? text : paint((o.level ?? 30) >= 50 ? 'red' : (o.level ?? 30) >= 40 ? 'yellow' : 'cyan', text);
      stream.write(`${styled}\n`);
    },
  };
}
