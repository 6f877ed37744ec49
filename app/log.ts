// One pino logger per process: JSON lines on stdout, as the supervisor expects.
import { pino, type Logger } from 'pino';

/** The process logger; `name` is web or worker. */
export function makeLogger(name: string): Logger {
  return pino({ name, level: process.env.LOG_LEVEL || 'info' });
}
