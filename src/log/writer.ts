// A log directory being written: svlogd's behaviour for one DIR, as an object the CLI and
// the supervisor (default capture) both use. write() frames, places and appends in the same
// call (writev), rotating as it goes (fsync included, on this thread: bytes held while a sync
// ran in the thread pool would be lost to a SIGKILL), so nothing read is held: a SIGKILL loses
// at most the chunk being handled, as svlogd loses at most its read buffer. Only when the disk
// refuses (or a processor still runs) does a pump take over, retrying with backoff while the
// caller waits for 'drain'.
import { EventEmitter } from 'node:events';
import {
  constants, fchmod, open, openSync, closeSync, fchmodSync, fstatSync, fsync, fsyncSync, renameSync, statSync, writevSync,
} from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { SvrunError, djbError } from '../errors.js';
import { parseConfig, type LogConfig } from './config.js';
import { frame, frameEnd, frameLines, frameState, type FrameState } from './frame.js';
import { flockFd } from '../os/flock.js';
import { freshName, removeOldest, removeOldestForSpace } from './oldfiles.js';
import {
  DEFAULT_HIGH_WATER, DEFAULT_RETRY_MAX_MS, HARD_CAP_FACTOR, RETRY_FIRST_MS, type LogWriterOptions,
} from './options.js';
import { ROTATE, place, type Op } from './place.js';
import { processOnce } from './processor.js';
import { STAMP_LEN, StampBytes, now } from './stamp.js';

// Larger framed chunks (a reader handing over megabytes at once) get their own buffer.
const SCRATCH_MAX = 1 << 20;

type Phase = 'new' | 'opening' | 'open' | 'closing' | 'closed';

/** Writes a byte stream of lines to one log directory; emits 'drain' after write() returned false. */
export class LogWriter extends EventEmitter {
  /** Bytes refused because the caller kept writing past the hard cap. */
  dropped = 0;
  private readonly o: Required<LogWriterOptions>;
  private config: LogConfig = parseConfig('').config;
  private lanes: FrameState[];
  /** Per lane, for frameLines: stamp and prefix as bytes, the stamp updated per chunk; null where frame() does the lane. */
  private heads: (StampBytes | null)[] = [];
  private phase: Phase = 'new';
  /** fd of current, -1 while closed or between rotation steps. */
  private current = -1;
  private rot: { name: string; step: 0 | 1 | 2 } | null = null;
  private lockFd = -1;
  private size = 0;
  /** Bytes were written to current since it was last synced. */
  private dirty = false;
  private ops: Op[] = [];
  private pending = 0;
  private held: Buffer[] = [];
  private heldLanes: number[] = [];
  private heldBytes = 0;
  private wantDrain = false;
  private pumping: Promise<void> | null = null;
  private processing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastName = '';
  private trouble: string | null = null;
  private failure: unknown = null;
  private readonly abort = new AbortController();
  // Framed output goes through one reused buffer while every byte of it is written before the
  // next chunk (the usual case): fresh memory per chunk costs page faults and GC, more than
  // the framing itself. While the disk holds bytes back, the queue may point into it: then a
  // chunk gets a buffer of its own.
  private scratch = Buffer.alloc(0);
  private readonly alloc = (n: number): Buffer => {
    if (this.ops.length > 0 || n > SCRATCH_MAX) return Buffer.allocUnsafe(n);
    if (this.scratch.length < n) this.scratch = Buffer.allocUnsafe(Math.min(SCRATCH_MAX, Math.max(n, 2 * this.scratch.length)));
    return this.scratch.subarray(0, n);
  };

  constructor(readonly dir: string, opts: LogWriterOptions = {}) {
    super();
    this.o = {
      stamp: 0, replace: null, lineMax: 1000, bufLen: 1024, highWater: DEFAULT_HIGH_WATER,
      retryMaxMs: DEFAULT_RETRY_MAX_MS, clock: now, lock: true,
      warn: (m) => void process.stderr.write(`svrun log: ${m}\n`),
      info: () => undefined,
      echo: (b) => void process.stderr.write(b),
      marks: [],
      ...opts,
    };
    this.lanes = ['', ...this.o.marks].map((m) => frameState(this.frameOptions(m)));
    this.makeHeads();
  }

  /** Bytes accepted but not yet on disk. */
  get pendingBytes(): number {
    return this.pending + this.heldBytes;
  }

  /** True while bytes wait for the disk: the caller should wait for 'drain'. */
  get full(): boolean {
    return this.pendingBytes > 0;
  }

  /** True while the last line written has not ended: stopping now would split it. */
  get midLine(): boolean {
    return this.lanes.some((f) => f.carryLen > 0 || f.cont !== null) || this.held.length > 0;
  }

  /** Stops retrying a refusing disk: a pending close() then reports what was not written. */
  giveUp(): void {
    this.abort.abort();
  }

  /** Locks the directory, reads config, recovers an unclean current and opens it. */
  async open(): Promise<void> {
    this.phase = 'opening';
    await this.openFiles();
    this.phase = 'open';
    this.release();
  }

  /**
   * Writes bytes of the stream (any split) to current now; false = the disk refused some, stop
   * feeding until 'drain'. lane n > 0 is a second stream of lines (stderr) framed on its own,
   * each line marked with marks[n-1]. The caller may reuse data once write returns: what the
   * writer keeps of it (a partial line, bytes the disk has not taken yet) it copies.
   */
  write(data: string | Buffer, lane = 0): boolean {
    if (this.phase === 'closing' || this.phase === 'closed') throw new SvrunError('BUG', `write to ${this.dir} after close`);
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (this.pendingBytes >= this.o.highWater * HARD_CAP_FACTOR) {
      if (this.dropped === 0) this.o.warn(`warning: dropping input for ${this.dir}: the caller ignores back-pressure`);
      this.dropped += buf.length;
      this.wantDrain = true;
      return false;
    }
    if (this.phase === 'open') {
      const fast = this.ops.length === 0 ? this.frameFast(buf, lane) : null;
      if (fast) {
        this.enqueue([fast]);
        // what the disk did not take yet may sit in memory the next frameLines reuses
        if (this.ops.length > 0) this.detach(fast);
      } else {
        this.ingest(buf, lane);
        if (buf === data) this.detach(buf);
      }
    } else {
      this.held.push(buf === data ? Buffer.from(buf) : buf);
      this.heldLanes.push(lane);
      this.heldBytes += buf.length;
    }
    if (this.full) this.wantDrain = true;
    return !this.full;
  }

  /** Ends a partial last line of lane (its writer exited): the next bytes start a new line. */
  endLine(lane = 0): void {
    const st = this.lanes[lane];
    if (!st || this.phase !== 'open') return;
    const end = frameEnd(st);
    if (end.echo) this.o.echo(end.echo);
    this.enqueue(end.out);
  }

  /** Rotates current if it is not empty (SIGALRM). */
  rotate(): void {
    if (this.phase !== 'open' || this.size === 0) return;
    this.ops.push(ROTATE);
    this.size = 0;
    this.flush();
  }

  /** Writes what is queued, closes, re-reads config and opens again (SIGHUP). */
  async reopen(): Promise<void> {
    if (this.phase !== 'open') return;
    this.phase = 'opening';
    await this.idle();
    await this.closeFiles();
    await this.openFiles();
    this.phase = 'open';
    this.release();
  }

  /**
   * Ends the stream (a final partial line gets its newline), writes everything, marks current
   * clean (0744) and unlocks. If the disk refuses data for timeoutMs, gives up and throws.
   */
  async close(timeoutMs = Infinity): Promise<void> {
    if (this.phase === 'closed' || this.phase === 'closing') return;
    const wasOpen = this.phase === 'open';
    this.phase = 'closing';
    const deadline = Number.isFinite(timeoutMs) ? setTimeout(() => this.abort.abort(), timeoutMs) : null;
    try {
      if (wasOpen) {
        for (const lane of this.lanes) {
          const end = frameEnd(lane);
          if (end.echo) this.o.echo(end.echo);
          this.enqueue(end.out);
        }
        await this.idle();
        await this.processing;
      }
      const unwritten = this.pendingBytes;
      await this.closeFiles();
      if (unwritten > 0) {
        throw new SvrunError('SYSTEM', `unable to write ${unwritten} bytes to ${this.dir}/current: ${djbError(this.failure)}; gave up`);
      }
    } finally {
      if (deadline) clearTimeout(deadline);
      this.abort.abort();
      this.phase = 'closed';
    }
  }

  private frameOptions(mark: string) {
    const { stamp, replace, lineMax, bufLen } = this.o;
    const prefix = mark ? Buffer.concat([this.config.prefix, Buffer.from(mark)]) : this.config.prefix;
    return { stamp, replace, lineMax, bufLen, prefix, rules: this.config.rules };
  }

  // One head buffer per lane whose lines need only a stamp and prefix (svrun's capture, and
  // `svrun log` without patterns): frameLines' case.
  private makeHeads(): void {
    const style = this.o.stamp;
    this.heads = this.lanes.map((st) => {
      const o = st.opts;
      if (style === 0 || o.rules.length > 0 || o.replace !== null) return null;
      const buf = Buffer.alloc(STAMP_LEN + o.prefix.length);
      o.prefix.copy(buf, STAMP_LEN);
      return new StampBytes(style, buf);
    });
  }

  // The usual case, while nothing waits for the disk: buf framed into one buffer, which the
  // queue writes at once (frameLines copies what it keeps of buf).
  private frameFast(buf: Buffer, lane: number): Buffer | null {
    const head = this.heads[lane];
    return head ? frameLines(this.lanes[lane]!, buf, head.set(this.o.clock()), this.alloc) : null;
  }

  private ingest(buf: Buffer, lane: number): void {
    const st = this.lanes[lane];
    if (!st) throw new SvrunError('BUG', `write to lane ${lane} of ${this.dir}, which has ${this.lanes.length}`);
    const f = frame(st, buf, this.o.clock, this.alloc);
    if (f.echo) this.o.echo(f.echo);
    this.enqueue(f.out);
  }

  // svrun reads every captured service into one buffer, and frameLines may frame into memory
  // every writer shares: what still points into such a buffer after a write is copied (usually
  // nothing, or the partial last line).
  private detach(input: Buffer): void {
    const theirs = (b: Buffer) => b.buffer === input.buffer;
    this.ops.forEach((op, i) => {
      if (op !== ROTATE && theirs(op)) this.ops[i] = Buffer.from(op);
    });
    for (const st of this.lanes) st.carry.forEach((b, i) => {
      if (theirs(b)) st.carry[i] = Buffer.from(b);
    });
  }

  private enqueue(out: Buffer[]): void {
    if (out.length === 0) return;
    for (const piece of out) {
      if (piece.length === 0) continue;
      const r = place(this.size, piece, { sizeMax: this.config.sizeMax, lineMax: this.o.lineMax });
      for (const op of r.ops) this.ops.push(op);
      this.size = r.size;
      this.pending += piece.length;
    }
    this.flush();
  }

  // Feeds what arrived while opening through the new settings.
  private release(): void {
    const held = this.held;
    const lanes = this.heldLanes;
    this.held = [];
    this.heldLanes = [];
    this.heldBytes = 0;
    held.forEach((b, i) => this.ingest(b, lanes[i]!));
    this.maybeDrain();
  }

  private maybeDrain(): void {
    if (this.wantDrain && this.pendingBytes === 0) {
      this.wantDrain = false;
      this.emit('drain');
    }
  }

  // The fast path: everything queued goes to disk now. On the first refusal the pump retries.
  private flush(): void {
    if (this.pumping || this.current < 0 && !this.rot) return;
    try {
      while (this.ops.length > 0) {
        if (this.ops[0] === ROTATE) {
          if (this.processing) break;
          while (!this.rotateStep());
          this.ops.shift();
        } else {
          this.consume(writevSync(this.current, this.batch()));
        }
      }
    } catch (err) {
      this.failure = err;
    }
    this.kick();
  }

  private batch(): Buffer[] {
    const bufs: Buffer[] = [];
    for (const op of this.ops) {
      if (op === ROTATE || bufs.length === 1024) break;
      bufs.push(op);
    }
    return bufs;
  }

  private kick(): void {
    if (this.pumping || this.current < 0 && !this.rot || this.ops.length === 0) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (!this.abort.signal.aborted) this.kick();
    });
  }

  private async idle(): Promise<void> {
    this.kick();
    while (this.pumping) await this.pumping;
  }

  private async pump(): Promise<void> {
    try {
      while (this.ops.length > 0) {
        if (this.ops[0] === ROTATE) {
          await this.processing;
          while (!(await this.retry(() => this.rotateWhat(), () => this.rotateStep())));
          this.ops.shift();
          continue;
        }
        this.consume(await this.retry(() => `write to ${this.dir}/current`, () => writevSync(this.current, this.batch())));
      }
    } catch (err) {
      this.failure = err; // only after close's deadline: close reports what was not written
    }
  }

  private consume(n: number): void {
    if (n > 0) this.dirty = true;
    this.pending -= n;
    while (n > 0) {
      const b = this.ops[0] as Buffer;
      if (b.length <= n) {
        n -= b.length;
        this.ops.shift();
      } else {
        this.ops[0] = b.subarray(n);
        n = 0;
      }
    }
    this.maybeDrain();
  }

  // Retries fn with backoff; one warning per episode; gives up only once close's deadline passed.
  private async retry<T>(what: () => string, fn: () => T): Promise<T> {
    let delay = RETRY_FIRST_MS;
    for (;;) {
      try {
        const r = fn();
        if (this.trouble) {
          this.o.warn(`info: able to ${what()} again`);
          this.trouble = null;
        }
        return r;
      } catch (err) {
        this.failure = err;
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC' && this.config.nMin < this.config.nMax) {
          let gone: string | null = null;
          try { gone = removeOldestForSpace(this.dir, this.config.nMin); } catch { /* as if none */ }
          if (gone) {
            this.o.warn(`warning: out of disk space, delete: ${this.dir}/${gone}`);
            continue;
          }
        }
        if (this.abort.signal.aborted) throw err;
        const msg = `unable to ${what()}: ${djbError(err)}`;
        if (this.trouble !== msg) this.o.warn(`warning: ${msg}; retrying`);
        this.trouble = msg;
        await sleep(delay, undefined, { signal: this.abort.signal }).catch(() => undefined);
        delay = Math.min(delay * 2, this.o.retryMaxMs);
      }
    }
  }

  private rotateWhat(): string {
    const step = this.rot?.step ?? 0;
    return [`fsync ${this.dir}/current`, `rename ${this.dir}/current`, `create ${this.dir}/current`][step]!;
  }

  // svlogd's rotate(), one step per call so a refusal retries only that step: fsync and 0744,
  // rename to @….s (or .u for a processor), new current. True when done.
  private rotateStep(): boolean {
    const dir = this.dir;
    const proc = this.config.processor;
    if (!this.rot) {
      const name = freshName(dir, proc ? 'u' : 's', this.o.clock, this.lastName);
      fsyncSync(this.current);
      this.dirty = false;
      fchmodSync(this.current, 0o744);
      closeSync(this.current);
      this.current = -1;
      this.lastName = name;
      this.rot = { name, step: 1 };
      return false;
    }
    if (this.rot.step === 1) {
      renameSync(join(dir, 'current'), join(dir, this.rot.name));
      this.o.info(`rename: ${dir}/current ${this.rot.name}`);
      this.rot.step = 2;
      return false;
    }
    this.current = openCurrent(dir);
    const name = this.rot.name;
    this.rot = null;
    try {
      removeOldest(dir, this.config.nMax, proc ? name : '');
    } catch (e) {
      this.o.warn(`warning: unable to remove old files in ${dir}: ${djbError(e)}`);
    }
    if (proc) this.processing = this.runProcessor(name, proc).finally(() => {
      this.processing = null;
      this.flush();
    });
    return true;
  }

  private async runProcessor(uName: string, proc: string): Promise<void> {
    let delay = RETRY_FIRST_MS * 20;
    for (;;) {
      const ok = await processOnce(this.dir, uName, proc).catch((e) => {
        this.o.warn(`warning: unable to run processor for ${this.dir}/${uName}: ${djbError(e)}`);
        return false;
      });
      if (ok || this.abort.signal.aborted) return;
      this.o.warn(`warning: processor failed, restart: ${this.dir}/${uName}`);
      await sleep(delay, undefined, { signal: this.abort.signal }).catch(() => undefined);
      delay = Math.min(delay * 2, this.o.retryMaxMs);
    }
  }

  private async openFiles(): Promise<void> {
    const dir = this.dir;
    const st = await stat(dir).catch((e) => {
      throw new SvrunError('SYSTEM', `unable to open log directory ${dir}: ${djbError(e)}`);
    });
    if (!st.isDirectory()) throw new SvrunError('SYSTEM', `unable to open log directory ${dir}: not a directory`);
    // Without locking (svrun's capture, guarded by supervise/lock) no lock file is made: on a
    // slow disk each file created costs a bring-up ~0.5 ms of the journal.
    if (this.o.lock) {
      try {
        // creating files, in the thread pool: svrun up opens a hundred log dirs side by side
        this.lockFd = await openAsync(join(dir, 'lock'), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
      } catch (e) {
        throw new SvrunError('SYSTEM', `unable to lock ${dir}/lock: ${djbError(e)}`);
      }
    }
    try {
      if (this.o.lock && !(await flockFd(this.lockFd, `${dir}/lock`))) {
        throw new SvrunError('LOCKED', `unable to lock ${dir}/lock: temporary failure: another logger holds it`);
      }
      this.config = await this.readConfig();
      this.lanes.forEach((f, i) => (f.opts = this.frameOptions(i === 0 ? '' : this.o.marks[i - 1]!)));
      this.makeHeads();
      this.recoverUnclean();
      this.current = await openAsync(join(dir, 'current'), CURRENT_FLAGS, 0o644);
      const cur = fstatSync(this.current);
      if ((cur.mode & 0o777) !== 0o644) await fchmodAsync(this.current, 0o644);
      this.size = cur.size;
      this.o.info(`${this.size ? 'append' : 'new'}: ${dir}/current`);
    } catch (e) {
      if (this.lockFd >= 0) closeSync(this.lockFd);
      this.lockFd = -1;
      throw e instanceof SvrunError ? e : new SvrunError('SYSTEM', `unable to open ${dir}/current: ${djbError(e)}`);
    }
    if (this.config.tMax > 0) {
      this.timer = setInterval(() => this.rotate(), this.config.tMax * 1000);
      this.timer.unref();
    }
  }

  private async readConfig(): Promise<LogConfig> {
    let text: Buffer;
    try {
      text = await readFile(join(this.dir, 'config'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.o.warn(`warning: unable to read ${this.dir}/config: ${djbError(e)}; using defaults`);
      return parseConfig('').config;
    }
    const parsed = parseConfig(text, `${this.dir}/config`);
    for (const w of parsed.warnings) this.o.warn(`warning: ${w}`);
    return parsed.config;
  }

  // A non-empty current without u+x was left by a logger that died: keep it as @….u.
  private recoverUnclean(): void {
    let st;
    try {
      st = statSync(join(this.dir, 'current'));
    } catch {
      return;
    }
    if (st.size === 0 || st.mode & 0o100) return;
    const name = freshName(this.dir, 'u', this.o.clock, this.lastName);
    this.lastName = name;
    renameSync(join(this.dir, 'current'), join(this.dir, name));
    removeOldest(this.dir, this.config.nMax, name);
  }

  private async closeFiles(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const cur = this.current;
    this.current = -1;
    if (cur >= 0) {
      // Nothing to make durable or to mark when no byte came since the last sync and current
      // is empty: a stop-all of a hundred quiet services would queue 200 journal commits.
      // (An empty current needs no clean mark: recovery passes over it.)
      if (this.dirty) {
        // in the thread pool: svrun up closing a hundred services' logs at once syncs them side by side
        await new Promise<void>((resolve) => fsync(cur, () => resolve())); // an error: what could be written was
      }
      if (this.size > 0) {
        try {
          await fchmodAsync(cur, 0o744);
        } catch (e) {
          this.o.warn(`warning: unable to set mode of ${this.dir}/current: ${djbError(e)}`);
        }
      }
      closeSync(cur);
    }
    this.dirty = false;
    if (this.lockFd >= 0) closeSync(this.lockFd);
    this.lockFd = -1;
  }
}

const CURRENT_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;
const openAsync = promisify(open);
const fchmodAsync = promisify(fchmod);

// open_append, mode 0644 whatever the umask, as svlogd opens current (its fchmod is skipped
// when the mode is right already: each one is a journal entry)
function openCurrent(dir: string): number {
  const fd = openSync(join(dir, 'current'), CURRENT_FLAGS, 0o644);
  if ((fstatSync(fd).mode & 0o777) !== 0o644) fchmodSync(fd, 0o644);
  return fd;
}
