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

/** Adds column (with its type) to table when a file from an older version lacks it. */
export function addMissingColumn(db: Database.Database, table: string, column: string, type: string): void {
  const cols = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
  if (!cols.includes(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}
