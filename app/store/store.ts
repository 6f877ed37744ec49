// Task state as the dashboard and API see it; each backend records `done` at most once.

/** The life of a task: queued → running → done, or failed (will retry) → dead. */
export type TaskState = 'queued' | 'running' | 'done' | 'failed' | 'dead';

/** One task as stored. */
export interface TaskRecord {
  id: string;
  kind: string;
  args: Record<string, unknown>;
  state: TaskState;
  progress: number;
  result: unknown;
  error: string | null;
  attempts: number;
  /** How many times done was recorded; 1 for a done task, whatever the redeliveries. */
  completions: number;
  createdAt: number;
  updatedAt: number;
  /** When the last attempt began: epoch ms with sub-ms resolution (wallClockMs), null before the first. */
  startedAt: number | null;
}

/** Storage for task records. */
export interface TaskStore {
  readonly kind: string;
  /** outbox: the task goes to RabbitMQ after the answer (see queue/outbox.ts) and is marked until its confirm. */
  create(t: { id: string; kind: string; args: Record<string, unknown>; state?: TaskState; outbox?: boolean }): Promise<void>;
  /** Clears the outbox mark once the broker has confirmed the task. */
  published(id: string): Promise<void>;
  /** Queued tasks still marked, oldest first: their confirm never came. */
  unpublished(limit: number): Promise<{ id: string; kind: string }[]>;
  /** Stores a finished task in one write (apply: the task ran in the request). */
  record(t: TaskRecord): Promise<void>;
  get(id: string): Promise<TaskRecord | undefined>;
  list(limit: number): Promise<TaskRecord[]>;
  /** Marks running and counts an attempt; undefined when the task is unknown. */
  begin(id: string): Promise<TaskRecord | undefined>;
  progress(id: string, pct: number): Promise<void>;
  /** Records done unless already done; true when this call did it. */
  finish(id: string, result: unknown): Promise<boolean>;
  fail(id: string, error: string, final: boolean): Promise<void>;
  close(): Promise<void>;
}

/** A row as both SQL backends return it (snake_case, JSON as text). */
export interface TaskRow {
  id: string; kind: string; args: string; state: string; progress: number; result: string | null;
  error: string | null; attempts: number; completions: number; created_at: number | string; updated_at: number | string;
  started_at: number | null;
}

/** Row → record. */
export function fromRow(r: TaskRow): TaskRecord {
  return {
    id: r.id, kind: r.kind, args: JSON.parse(r.args) as Record<string, unknown>, state: r.state as TaskState,
    progress: r.progress, result: r.result === null ? null : JSON.parse(r.result), error: r.error,
    attempts: r.attempts, completions: r.completions, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
    startedAt: r.started_at ?? null,
  };
}
