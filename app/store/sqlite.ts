// Task state in an SQLite file (WAL: web reads while the worker writes).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fromRow, type TaskRecord, type TaskRow, type TaskStore } from './store.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, args TEXT NOT NULL, state TEXT NOT NULL,
  progress REAL NOT NULL DEFAULT 0, result TEXT, error TEXT, attempts INTEGER NOT NULL DEFAULT 0,
  completions INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tasks_created ON tasks (created_at);`;

/** Opens (creating) the db file; synchronous under the hood, it is fast enough to be inline. */
export class SqliteStore implements TaskStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  async create(t: { id: string; kind: string; args: Record<string, unknown>; state?: string }): Promise<void> {
    const now = Date.now();
    this.db.prepare('INSERT INTO tasks (id, kind, args, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(t.id, t.kind, JSON.stringify(t.args), t.state ?? 'queued', now, now);
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
    return row && fromRow(row);
  }

  async list(limit: number): Promise<TaskRecord[]> {
    const rows = this.db.prepare('SELECT * FROM tasks ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as TaskRow[];
    return rows.map(fromRow);
  }

  async begin(id: string): Promise<TaskRecord | undefined> {
    this.db.prepare("UPDATE tasks SET state = 'running', attempts = attempts + 1, progress = 0, updated_at = ? WHERE id = ? AND state != 'done'")
      .run(Date.now(), id);
    return this.get(id);
  }

  async progress(id: string, pct: number): Promise<void> {
    this.db.prepare('UPDATE tasks SET progress = ?, updated_at = ? WHERE id = ?').run(pct, Date.now(), id);
  }

  async finish(id: string, result: unknown): Promise<boolean> {
    const r = this.db.prepare("UPDATE tasks SET state = 'done', progress = 100, result = ?, error = NULL, completions = completions + 1, updated_at = ? WHERE id = ? AND state != 'done'")
      .run(JSON.stringify(result ?? null), Date.now(), id);
    return r.changes === 1;
  }

  async fail(id: string, error: string, final: boolean): Promise<void> {
    this.db.prepare("UPDATE tasks SET state = ?, error = ?, updated_at = ? WHERE id = ? AND state != 'done'")
      .run(final ? 'dead' : 'failed', error, Date.now(), id);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
