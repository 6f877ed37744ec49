// DATABASE_URL → a TaskStore: sqlite:// (default, DATA_DIR/app.db) or postgres://.
import type { Logger } from 'pino';
import { maskUrl, sqlitePath } from '../config.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { TaskStore } from './store.js';

/** Opens the store a URL names; an unknown scheme throws naming DATABASE_URL. */
export function openStore(url: string, dataDir: string, log: Logger): TaskStore {
  if (url.startsWith('sqlite:')) return new SqliteStore(sqlitePath(url, dataDir, 'app.db'));
  if (/^postgres(ql)?:\/\//.test(url)) return new PostgresStore(url, log);
  throw new Error(`DATABASE_URL: unknown scheme in ${JSON.stringify(maskUrl(url))} (want sqlite:// or postgres://)`);
}
