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
  db.pragma(`busy_timeout = ${BUSY_MS}`);
  walMode(db);
  db.pragma('synchronous = NORMAL');
  db.exec(schema);
  return db;
}

const BUSY_MS = 5000;
const pause = new Int32Array(new SharedArrayBuffer(4));

// Turning a new file to WAL needs it alone, and SQLite answers SQLITE_BUSY at once there, without
// its busy handler: web and worker starting together (svrun up starts them in one tick) made one
// of them exit in about one start in seven. Retried for as long as busy_timeout would wait.
function walMode(db: Database.Database): void {
  const deadline = Date.now() + BUSY_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      Atomics.wait(pause, 0, 0, 5); // start-up only: a few ms until the other opener is done
    }
  }
}

/** Adds column (with its type) to table when a file from an older version lacks it. */
export function addMissingColumn(db: Database.Database, table: string, column: string, type: string): void {
  const cols = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
  if (!cols.includes(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}
