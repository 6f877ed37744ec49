// The embedded queue: a table in an SQLite file shared by web and worker on one machine.
// Wake-up is prompt: each commit appends to the -wal file and the worker watches the
// directory (inotify), so a job starts within a millisecond or so instead of a poll period.
import type Database from 'better-sqlite3';
import { addMissingColumn, openSqlite } from '../sqlite.js';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { ownerAlive, ownerOf } from './owner.js';
import type { Broker, Delivery, Job } from './queue.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY, task_id TEXT NOT NULL, kind TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 1,
  available_at INTEGER NOT NULL, owner TEXT, state TEXT NOT NULL DEFAULT 'ready', reason TEXT, trace TEXT);
CREATE INDEX IF NOT EXISTS jobs_ready ON jobs (state, available_at);`;

// a safety net only, for a missed inotify event (e.g. a network file system)
const SAFETY_POLL_MS = 2000;

/** Jobs are claimed by this process (owner = pid:starttime) and reclaimed when it dies. */
export class SqliteBroker implements Broker {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly me = ownerOf(process.pid) ?? `${process.pid}:?`;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private handler: ((d: Delivery) => Promise<void>) | undefined;
  private busy = false;
  private again = false;
  private idle: Promise<void> = Promise.resolve();
  // prepared once: preparing costs about as much as running these one-row statements
  private readonly sql: Record<'publish' | 'depth' | 'taken' | 'back' | 'next' | 'first' | 'take' | 'ack' | 'retry' | 'dead', Database.Statement>;
  private readonly claimTx: Database.Transaction<(now: number) => { id: number; task_id: string; kind: string; attempt: number; trace: string | null } | undefined>;

  constructor(readonly path: string) {
    this.db = openSqlite(path, SCHEMA);
    addMissingColumn(this.db, 'jobs', 'trace', 'TEXT');
    const p = (sql: string) => this.db.prepare(sql);
    this.sql = {
      publish: p('INSERT INTO jobs (task_id, kind, available_at, trace) VALUES (?, ?, ?, ?)'),
      depth: p("SELECT count(*) AS n FROM jobs WHERE state != 'dead'"),
      taken: p("SELECT id, owner FROM jobs WHERE state = 'taken'"),
      back: p("UPDATE jobs SET state = 'ready', owner = NULL WHERE id = ? AND owner = ?"),
      next: p("SELECT min(available_at) AS at FROM jobs WHERE state = 'ready'"),
      first: p("SELECT id, task_id, kind, attempt, trace FROM jobs WHERE state = 'ready' AND available_at <= ? ORDER BY available_at, id LIMIT 1"),
      take: p("UPDATE jobs SET state = 'taken', owner = ? WHERE id = ?"),
      ack: p('DELETE FROM jobs WHERE id = ?'),
      retry: p("UPDATE jobs SET state = 'ready', owner = NULL, attempt = attempt + 1, available_at = ? WHERE id = ?"),
      dead: p("UPDATE jobs SET state = 'dead', owner = NULL, reason = ? WHERE id = ?"),
    };
    this.claimTx = this.db.transaction((now: number) => {
      const r = this.sql.first.get(now) as { id: number; task_id: string; kind: string; attempt: number; trace: string | null } | undefined;
      if (r) this.sql.take.run(this.me, r.id);
      return r;
    });
  }

  async publish(job: Job): Promise<void> {
    this.sql.publish.run(job.taskId, job.kind, Date.now(), job.trace ? JSON.stringify(job.trace) : null);
  }

  async depth(): Promise<number> {
    return (this.sql.depth.get() as { n: number }).n;
  }

  async consume(handler: (d: Delivery) => Promise<void>): Promise<void> {
    this.handler = handler;
    this.reclaim();
    const wal = `${basename(this.path)}-wal`;
    this.watcher = watch(dirname(this.path), (_ev, name) => {
      if (name === wal) this.kick();
    });
    this.kick();
  }

  async stopConsuming(): Promise<void> {
    this.handler = undefined;
    this.watcher?.close();
    clearTimeout(this.timer);
    await this.idle;
  }

  async close(): Promise<void> {
    await this.stopConsuming();
    this.db.close();
  }

  /** Jobs held by processes that died (a SIGKILLed worker) go back to ready. */
  private reclaim(): void {
    const taken = this.sql.taken.all() as { id: number; owner: string }[];
    for (const j of taken) if (!ownerAlive(j.owner)) this.sql.back.run(j.id, j.owner);
  }

  private kick(): void {
    if (!this.handler) return;
    if (this.busy) { this.again = true; return; }
    this.busy = true;
    this.idle = this.drain().finally(() => { this.busy = false; });
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (let d = this.claim(); d && this.handler; d = this.claim()) await this.handler(d);
    } while (this.again && this.handler);
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.handler) return;
    const next = this.sql.next.get() as { at: number | null };
    const wait = next.at === null ? SAFETY_POLL_MS : Math.max(0, Math.min(SAFETY_POLL_MS, next.at - Date.now()));
    this.timer = setTimeout(() => { this.reclaim(); this.kick(); }, wait);
  }

  private claim(): Delivery | undefined {
    const row = this.claimTx.immediate(Date.now());
    if (!row) return undefined;
    return {
      job: { taskId: row.task_id, kind: row.kind, ...(row.trace ? { trace: JSON.parse(row.trace) as Job['trace'] } : {}) },
      attempt: row.attempt,
      ack: async () => { this.sql.ack.run(row.id); },
      retry: async (delayMs) => {
        this.sql.retry.run(Date.now() + delayMs, row.id);
      },
      deadLetter: async (reason) => {
        this.sql.dead.run(reason, row.id);
      },
    };
  }
}
