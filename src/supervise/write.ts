// Writes supervise/status, stat and pid (runit's formats) and svrun.json (svrun's own
// fields), each through FILE.new + rename so readers never see a half-written file.
// A bring-up or stop-all writes off the main thread: creating the .new files is where ext4
// makes a writer wait for its journal (0.3 to 2 ms a file, measured), and a hundred services
// starting or stopping at once would wait one after another, holding up every spawn behind
// them. One state at a time per service, so renames never land out of order; a state that is
// superseded before its turn is skipped, as the next one says more.
import { renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SvrunError, djbError } from '../errors.js';
import { encodeStatus, formatStat, type StatusRecord } from './status.js';

/** Options for superviseFiles: want exit (stat says so) and svrun's extra JSON fields. */
export interface WriteOptions {
  wantExit?: boolean;
  extra?: object;
}

/** The files of one state: [name, content]. */
export function superviseFiles(rec: StatusRecord, opts: WriteOptions = {}): [string, string | Buffer][] {
  const files: [string, string | Buffer][] = [
    ['status', encodeStatus(rec)],
    ['stat', formatStat(rec, opts.wantExit ?? false)],
    ['pid', rec.pid ? `${rec.pid}\n` : ''],
  ];
  if (opts.extra) files.push(['svrun.json', `${JSON.stringify(opts.extra)}\n`]);
  return files;
}

/** One service's supervise/ files, written in order: at once, or in the thread pool. */
export class SuperviseWriter {
  // what is on disk in each file (latin1 for the binary status): unchanged files are skipped
  private readonly written = new Map<string, string>();
  private queued: [string, string | Buffer][] | null = null;
  private busy = false;
  /** Number of states queued so far, and of those on disk (or skipped for a later one). */
  private seq = 0;
  private done = 0;
  private waiters: { seq: number; fn: () => void }[] = [];
  private holdMs = 0;
  private holdTimer: NodeJS.Timeout | null = null;

  constructor(private readonly dir: string, private readonly onError: (err: SvrunError) => void) {}

  /** True once any state was queued. */
  get started(): boolean {
    return this.seq > 0;
  }

  /**
   * Writes a state: at once on this thread when nothing is in flight and defer is false (sv
   * reads status right after it sent a command, as runsv answers at once), else queued for the
   * thread pool, where a queued state that has not started writing is dropped for a newer one.
   * svrun up defers the writes of a bring-up and of a stop-all: a hundred services at once.
   */
  write(files: [string, string | Buffer][], defer = false): void {
    this.seq++;
    if (!defer && !this.busy) {
      if (this.unhold()) this.queued = null; // the held state is older than this one
      this.holdMs = 0;
      for (const f of this.changed(files)) {
        try {
          writeFileSync(`${f.path}.new`, f.data, { mode: 0o644 });
          renameSync(`${f.path}.new`, f.path);
          this.wrote(f);
        } catch (err) {
          this.failed(f, err);
        }
      }
      this.settled(this.seq);
      return;
    }
    this.queued = files;
    if (this.busy) return;
    if (this.unhold()) {
      void this.pump(); // a newer state came while one was held: only the newer is written
    } else if (this.holdMs > 0) {
      this.holdTimer = setTimeout(() => {
        this.holdTimer = null;
        void this.pump();
      }, this.holdMs);
      this.holdMs = 0;
    } else {
      void this.pump();
    }
  }

  /**
   * The next deferred state waits up to ms before it is written, and is never written if a
   * newer state comes first. A stop-all holds each service's "stopping" state: most services
   * are down a few ms later, and every state costs ext4 up to three file creations, which made
   * a stop-all of a hundred services wait on the journal for 600 of them.
   */
  hold(ms: number): void {
    this.holdMs = ms;
  }

  // Cancels a held write (its state stays queued, or is replaced); true if one was held.
  private unhold(): boolean {
    if (!this.holdTimer) return false;
    clearTimeout(this.holdTimer);
    this.holdTimer = null;
    return true;
  }

  /** Runs fn once every state queued so far is on disk (at once if it is). */
  afterWrite(fn: () => void): void {
    if (this.done === this.seq) fn();
    else this.waiters.push({ seq: this.seq, fn });
  }

  /** Resolves once every state queued so far is on disk. */
  idle(): Promise<void> {
    return new Promise((resolve) => this.afterWrite(resolve));
  }

  private async pump(): Promise<void> {
    this.busy = true;
    while (this.queued) {
      const files = this.queued;
      const seq = this.seq;
      this.queued = null;
      await Promise.all(this.changed(files).map(async (f) => {
        try {
          await writeFile(`${f.path}.new`, f.data, { mode: 0o644 });
          await rename(`${f.path}.new`, f.path);
          this.wrote(f);
        } catch (err) {
          this.failed(f, err);
        }
      }));
      this.settled(seq);
    }
    this.busy = false;
  }

  private settled(seq: number): void {
    this.done = seq;
    const ready = this.waiters.filter((w) => w.seq <= seq);
    this.waiters = this.waiters.filter((w) => w.seq > seq);
    for (const w of ready) w.fn();
  }

  // The files whose content differs from what is on disk (latin1 keys the binary status).
  private changed(files: [string, string | Buffer][]): Pending[] {
    return files
      .map(([name, data]) => ({ name, data, path: join(this.dir, name), key: typeof data === 'string' ? data : data.toString('latin1') }))
      .filter((f) => this.written.get(f.name) !== f.key);
  }

  private wrote(f: Pending): void {
    this.written.set(f.name, f.key);
  }

  private failed(f: Pending, err: unknown): void {
    this.written.delete(f.name);
    this.onError(new SvrunError('SYSTEM', `unable to write ${f.path}: ${djbError(err)}`, { cause: err }));
  }
}

interface Pending {
  name: string;
  data: string | Buffer;
  path: string;
  key: string;
}
