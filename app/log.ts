// One pino logger per process: JSON lines on stdout, as the supervisor expects.
import { pino, type Logger } from 'pino';

/** The process logger; `name` is web or worker. */
export function makeLogger(name: string): Logger {
  return pino({ name, level: process.env.LOG_LEVEL || 'info' });
}

/** Runs fn again after failures, waiting 100 ms doubling to maxMs; stops when stopped() is true. */
export async function withBackoff<T>(fn: () => Promise<T>, onError: (err: unknown, delayMs: number) => void, stopped: () => boolean, maxMs = 5000): Promise<T | undefined> {
  let delay = 100;
  while (!stopped()) {
    try {
      return await fn();
    } catch (err) {
      onError(err, delay);
      await new Promise((r) => setTimeout(r, delay).unref());
      delay = Math.min(delay * 2, maxMs);
    }
  }
  return undefined;
}
