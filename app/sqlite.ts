// One SQLite file as web and worker share it: WAL (readers never wait for the writer) and
// synchronous=NORMAL (no fsync per commit; a power cut may lose the last commits, never
// corrupt the file), a busy timeout for the moments both write.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Opens (creating) the db file at path and applies schema. */
export function openSqlite(path: string, schema: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(schema);
  return db;
}
