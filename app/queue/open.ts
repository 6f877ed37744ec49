// BROKER_URL → a Broker: sqlite:// (default, DATA_DIR/queue.db) or amqp://.
import type { Logger } from 'pino';
import { maskUrl, sqlitePath } from '../config.js';
import { AmqpBroker } from './amqp.js';
import type { Broker } from './queue.js';
import { SqliteBroker } from './sqlite.js';

/** Opens the broker a URL names; an unknown scheme throws naming BROKER_URL. */
export function openBroker(url: string, dataDir: string, log: Logger): Broker {
  if (url.startsWith('sqlite:')) return new SqliteBroker(sqlitePath(url, dataDir, 'queue.db'));
  if (/^amqps?:\/\//.test(url)) return new AmqpBroker(url, log);
  throw new Error(`BROKER_URL: unknown scheme in ${JSON.stringify(maskUrl(url))} (want sqlite:// or amqp://)`);
}
