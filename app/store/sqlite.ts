// Task state in an SQLite file (WAL: web reads while the worker writes).
import type Database from 'better-sqlite3';
import { addMissingColumn, openSqlite } from '../sqlite.js';
import { wallClockMs } from '../metrics.js';
import { fromRow, type TaskRecord, type TaskRow, type TaskStore } from './store.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, args TEXT NOT NULL, state TEXT NOT NULL,
  progress REAL NOT NULL DEFAULT 0, result TEXT, error TEXT, attempts INTEGER NOT NULL DEFAULT 0,
  completions INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, started_at REAL,
  outbox INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS tasks_created ON tasks (created_at);`;
// after addMissingColumn: a file from before the outbox gets the column first
const OUTBOX_INDEX = 'CREATE INDEX IF NOT EXISTS tasks_outbox ON tasks (created_at) WHERE outbox = 1';

/** Opens (creating) the db file; synchronous under the hood, it is fast enough to be inline. */
export class SqliteStore implements TaskStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  // prepared once: preparing costs about as much as running these one-row statements
  private readonly sql: Record<'create' | 'record' | 'get' | 'list' | 'begin' | 'progress' | 'finish' | 'fail' | 'published' | 'unpublished', Database.Statement>;

  constructor(readonly path: string) {
    this.db = openSqlite(path, SCHEMA);
    addMissingColumn(this.db, 'tasks', 'started_at', 'REAL');
    addMissingColumn(this.db, 'tasks', 'outbox', 'INTEGER NOT NULL DEFAULT 0');
    this.db.exec(OUTBOX_INDEX);
    const p = (s: string) => this.db.prepare(s);
    this.sql = {
      create: p('INSERT INTO tasks (id, kind, args, state, created_at, updated_at, outbox) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      record: p('INSERT INTO tasks (id, kind, args, state, progress, result, error, attempts, completions, created_at, updated_at, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      get: p('SELECT * FROM tasks WHERE id = ?'),
      list: p('SELECT * FROM tasks ORDER BY created_at DESC, rowid DESC LIMIT ?'),
      // one statement where an UPDATE and a SELECT would do; a done task is not updated and not returned
      begin: p("UPDATE tasks SET state = 'running', attempts = attempts + 1, progress = 0, updated_at = ?, started_at = ? WHERE id = ? AND state != 'done' RETURNING *"),
      progress: p('UPDATE tasks SET progress = ?, updated_at = ? WHERE id = ?'),
      finish: p("UPDATE tasks SET state = 'done', progress = 100, result = ?, error = NULL, completions = completions + 1, updated_at = ? WHERE id = ? AND state != 'done'"),
      fail: p("UPDATE tasks SET state = ?, error = ?, updated_at = ? WHERE id = ? AND state != 'done'"),
      published: p('UPDATE tasks SET outbox = 0 WHERE id = ?'),
      unpublished: p("SELECT id, kind FROM tasks WHERE outbox = 1 AND state = 'queued' ORDER BY created_at LIMIT ?"),
    };
  }

  async create(t: { id: string; kind: string; args: Record<string, unknown>; state?: string; outbox?: boolean }): Promise<void> {
    const now = Date.now();
    this.sql.create.run(t.id, t.kind, JSON.stringify(t.args), t.state ?? 'queued', now, now, t.outbox ? 1 : 0);
  }

  async published(id: string): Promise<void> {
    this.sql.published.run(id);
  }

  async unpublished(limit: number): Promise<{ id: string; kind: string }[]> {
    return this.sql.unpublished.all(limit) as { id: string; kind: string }[];
  }

  async record(t: TaskRecord): Promise<void> {
    this.sql.record.run(t.id, t.kind, JSON.stringify(t.args), t.state, t.progress, t.result === null ? null : JSON.stringify(t.result),
      t.error, t.attempts, t.completions, t.createdAt, t.updatedAt, t.startedAt);
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const row = this.sql.get.get(id) as TaskRow | undefined;
    return row && fromRow(row);
  }

  async list(limit: number): Promise<TaskRecord[]> {
    return (this.sql.list.all(limit) as TaskRow[]).map(fromRow);
  }

  async begin(id: string): Promise<TaskRecord | undefined> {
    const at = wallClockMs();
    const row = this.sql.begin.get(Math.floor(at), at, id) as TaskRow | undefined;
    return row ? fromRow(row) : this.get(id);
  }

  async progress(id: string, pct: number): Promise<void> {
    this.sql.progress.run(pct, Date.now(), id);
  }

  async finish(id: string, result: unknown): Promise<boolean> {
    return this.sql.finish.run(JSON.stringify(result ?? null), Date.now(), id).changes === 1;
  }

  async fail(id: string, error: string, final: boolean): Promise<void> {
    this.sql.fail.run(final ? 'dead' : 'failed', error, Date.now(), id);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
