// Task state in PostgreSQL; ?schema=NAME keeps one deployment (or test run) apart from others.
import pg from 'pg';
import type { Logger } from 'pino';
import { wallClockMs } from '../metrics.js';
import { fromRow, type TaskRecord, type TaskRow, type TaskStore } from './store.js';

/** A pg pool; connections are made per query, so an outage heals by itself once the server is back. */
export class PostgresStore implements TaskStore {
  readonly kind = 'postgres';
  private readonly pool: pg.Pool;
  private readonly t: string;
  private ready: Promise<void> | undefined;
  private down = false;

  constructor(url: string, private readonly log: Logger) {
    const u = new URL(url);
    const schema = u.searchParams.get('schema') ?? 'public';
    if (!/^[a-z_][a-z0-9_]*$/i.test(schema)) throw new Error(`DATABASE_URL: bad schema name ${JSON.stringify(schema)}`);
    u.searchParams.delete('schema');
    this.t = `"${schema}".tasks`;
    this.pool = new pg.Pool({ connectionString: u.toString(), max: 4, connectionTimeoutMillis: 2000 });
    this.pool.on('error', (err) => this.outage(err));
    this.schema = schema;
  }

  private readonly schema: string;

  private async q(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
    try {
      this.ready ??= this.migrate().catch((err: unknown) => { this.ready = undefined; throw err; });
      await this.ready;
      const r = await this.pool.query(sql, params);
      if (this.down) { this.down = false; this.log.info({ backend: 'postgres' }, 'database available again'); }
      return r;
    } catch (err) {
      this.outage(err);
      throw err;
    }
  }

  private async migrate(): Promise<void> {
    await this.pool.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
    await this.pool.query(`CREATE TABLE IF NOT EXISTS ${this.t} (
      id TEXT PRIMARY KEY, kind TEXT NOT NULL, args TEXT NOT NULL, state TEXT NOT NULL,
      progress REAL NOT NULL DEFAULT 0, result TEXT, error TEXT, attempts INTEGER NOT NULL DEFAULT 0,
      completions INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, started_at DOUBLE PRECISION,
      outbox BOOLEAN NOT NULL DEFAULT false)`);
    // a table from before started_at, or before the outbox
    await this.pool.query(`ALTER TABLE ${this.t} ADD COLUMN IF NOT EXISTS started_at DOUBLE PRECISION, ADD COLUMN IF NOT EXISTS outbox BOOLEAN NOT NULL DEFAULT false`);
    await this.pool.query(`CREATE INDEX IF NOT EXISTS tasks_outbox ON ${this.t} (created_at) WHERE outbox`);
  }

  private outage(err: unknown): void {
    if (this.down) return;
    this.down = true;
    this.log.error({ backend: 'postgres', setting: 'DATABASE_URL' }, `database unavailable: ${(err as Error).message}`);
  }

  async create(t: { id: string; kind: string; args: Record<string, unknown>; state?: string; outbox?: boolean }): Promise<void> {
    const now = Date.now();
    await this.q(`INSERT INTO ${this.t} (id, kind, args, state, created_at, updated_at, outbox) VALUES ($1, $2, $3, $4, $5, $5, $6)`,
      [t.id, t.kind, JSON.stringify(t.args), t.state ?? 'queued', now, t.outbox ?? false]);
  }

  async published(id: string): Promise<void> {
    await this.q(`UPDATE ${this.t} SET outbox = false WHERE id = $1`, [id]);
  }

  async unpublished(limit: number): Promise<{ id: string; kind: string }[]> {
    const r = await this.q(`SELECT id, kind FROM ${this.t} WHERE outbox AND state = 'queued' ORDER BY created_at LIMIT $1`, [limit]);
    return r.rows as { id: string; kind: string }[];
  }

  async record(t: TaskRecord): Promise<void> {
    await this.q(`INSERT INTO ${this.t} (id, kind, args, state, progress, result, error, attempts, completions, created_at, updated_at, started_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [t.id, t.kind, JSON.stringify(t.args), t.state, t.progress, t.result === null ? null : JSON.stringify(t.result),
      t.error, t.attempts, t.completions, t.createdAt, t.updatedAt, t.startedAt]);
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const r = await this.q(`SELECT * FROM ${this.t} WHERE id = $1`, [id]);
    return r.rows[0] ? fromRow(r.rows[0] as TaskRow) : undefined;
  }

  async list(limit: number): Promise<TaskRecord[]> {
    const r = await this.q(`SELECT * FROM ${this.t} ORDER BY created_at DESC LIMIT $1`, [limit]);
    return (r.rows as TaskRow[]).map(fromRow);
  }

  async begin(id: string): Promise<TaskRecord | undefined> {
    const at = wallClockMs();
    await this.q(`UPDATE ${this.t} SET state = 'running', attempts = attempts + 1, progress = 0, updated_at = $2, started_at = $3 WHERE id = $1 AND state != 'done'`, [id, Math.floor(at), at]);
    return this.get(id);
  }

  async progress(id: string, pct: number): Promise<void> {
    await this.q(`UPDATE ${this.t} SET progress = $2, updated_at = $3 WHERE id = $1`, [id, pct, Date.now()]);
  }

  async finish(id: string, result: unknown): Promise<boolean> {
    const r = await this.q(`UPDATE ${this.t} SET state = 'done', progress = 100, result = $2, error = NULL, completions = completions + 1, updated_at = $3 WHERE id = $1 AND state != 'done'`,
      [id, JSON.stringify(result ?? null), Date.now()]);
    return r.rowCount === 1;
  }

  async fail(id: string, error: string, final: boolean): Promise<void> {
    await this.q(`UPDATE ${this.t} SET state = $2, error = $3, updated_at = $4 WHERE id = $1 AND state != 'done'`, [id, final ? 'dead' : 'failed', error, Date.now()]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
