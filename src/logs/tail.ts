// Follows one log dir across rotations: holds current open, reads what is appended, and when
// current is renamed away (svlogd's rotation) reads the rest of it and of any file rotated
// since, then the new current from its start.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { logFiles } from './files.js';
import { parseLines, type LogRecord } from './parse.js';

/** A log dir being followed. */
export class Tail {
  private fd = -1;
  private ino = 0;
  private pos = 0;
  private carry = Buffer.alloc(0);
  private lastTime: number | null = null;

  constructor(readonly service: string, readonly dir: string) {}

  /** Opens current; what is in it now is history, what comes later is news. */
  open(): void {
    this.openCurrent();
    this.pos = this.fd >= 0 ? fstatSync(this.fd).size : 0;
  }

  /** Every complete line before the point open() marked, oldest first. */
  history(): LogRecord[] {
    const text: Buffer[] = [];
    for (const f of logFiles(this.dir)) {
      if (f.endsWith('/current')) continue;
      try {
        if (statSync(f).ino === this.ino) continue; // current, rotated since open()
        text.push(readWhole(f));
      } catch { /* removed since the listing */ }
    }
    if (this.fd >= 0) text.push(readRange(this.fd, 0, this.pos));
    const all = Buffer.concat(text);
    const end = all.lastIndexOf(10) + 1;
    this.carry = all.subarray(end);
    const recs = parseLines(this.service, all.subarray(0, end).toString('utf8'));
    this.lastTime = recs.at(-1)?.time ?? null;
    return recs;
  }

  /** Complete lines written since the last call. */
  poll(): LogRecord[] {
    const got: Buffer[] = [this.carry];
    if (this.fd >= 0) got.push(this.readOn());
    let st;
    try {
      st = statSync(join(this.dir, 'current'));
    } catch {
      st = null; // between rename and create: next time
    }
    if (st && st.ino !== this.ino) {
      if (this.fd >= 0) {
        // what reached ours between the read above and its rename
        got.push(this.readOn());
        closeSync(this.fd);
        this.fd = -1;
      }
      // The new current is opened before the rotated files are listed: a rotation between the
      // two then shows in the listing (as the file we hold, skipped) instead of being missed.
      const prevIno = this.ino;
      this.openCurrent();
      this.pos = 0;
      if (prevIno) {
        // files rotated after ours: several rotations may have passed since the last poll,
        // including while current did not exist for a moment (this.ino is still ours then)
        const old = logFiles(this.dir).filter((f) => !f.endsWith('/current'));
        const inos = old.map((f) => { try { return statSync(f).ino; } catch { return -1; } });
        const i = inos.indexOf(prevIno);
        for (let k = i + 1; i >= 0 && k < old.length; k++) {
          if (inos[k] === this.ino && this.fd >= 0) break; // the one we just opened, rotated meanwhile
          try { got.push(readWhole(old[k]!)); } catch { /* removed */ }
          // no current to hold yet: the next poll goes on after the last file read here
          if (this.fd < 0) this.ino = inos[k]!;
        }
      }
      if (this.fd >= 0) got.push(this.readOn());
    }
    const all = Buffer.concat(got);
    const end = all.lastIndexOf(10) + 1;
    this.carry = all.subarray(end);
    const recs = parseLines(this.service, all.subarray(0, end).toString('utf8'), this.lastTime);
    this.lastTime = recs.at(-1)?.time ?? this.lastTime;
    return recs;
  }

  /** Releases current. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private openCurrent(): void {
    try {
      this.fd = openSync(join(this.dir, 'current'), 'r');
      this.ino = fstatSync(this.fd).ino;
    } catch {
      // between a rename and the new current: keep the last inode, the next poll starts there
      this.fd = -1;
    }
  }

  private readOn(): Buffer {
    const size = fstatSync(this.fd).size;
    const b = readRange(this.fd, this.pos, size);
    this.pos += b.length;
    return b;
  }
}

function readRange(fd: number, from: number, to: number): Buffer {
  const b = Buffer.allocUnsafe(Math.max(0, to - from));
  let n = 0;
  while (n < b.length) {
    const r = readSync(fd, b, n, b.length - n, from + n);
    if (r === 0) break;
    n += r;
  }
  return b.subarray(0, n);
}

function readWhole(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    return readRange(fd, 0, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}
