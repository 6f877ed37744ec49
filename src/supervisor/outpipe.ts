// A captured service's stdout and stderr: two FIFOs in supervise/ (out.pipe, err.pipe) that
// svrun holds open for as long as it supervises the service, as runsv holds a log pipe. A
// restart loses nothing still in a pipe, and a grandchild that outlives run is still captured.
// Why not spawn's 'pipe': that is a socketpair made per start (a socket write costs the service
// more than a pipe write), read into a fresh 64 KiB buffer per read. Here every service is read
// into one shared buffer (net.Socket onread): the sinks copy what they keep.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { Socket, type OnReadOpts, type SocketConstructorOpts } from 'node:net';
import { join } from 'node:path';
import { INPUT_MAX, inputBuffer } from '../log/headlines.js';
import { growPipe } from '../os/pipesize.js';
import type { ChunkSink } from './lines.js';

/** The FIFOs a captured service needs in supervise/ (made with control and ok). */
export const OUT_FIFOS = ['out.pipe', 'err.pipe'];

const READ_SIZE = INPUT_MAX; // 64 KiB: what the framing module takes in one piece
// A service writing fast: after a read that emptied the pipe (less than READ_SIZE, more than
// REST_MIN), svrun waits REST_MS before reading again instead of waiting on the pipe. Waiting
// on it, svrun was woken by each write, and Linux runs a task woken by a pipe write on the
// writer's CPU (a "sync" wake-up): svrun and the service then took turns on one core while
// the other idled. Woken by its timer, svrun runs beside the writer, and reads what a
// millisecond brought in a few large reads. 500,000 lines: svrun's CPU 115 -> 80 ms, the
// writer done 185 -> 160 ms (median of 9, flood 1.5 s after start). Only in a pipe grown to
// 1 MiB: a 64 KiB pipe fills in a fifth of REST_MS, and the writer would wait out the rest.
// Small writes (an interactive service's lines) are read as they come.
const REST_MS = 1;
const REST_MIN = 4096;
let shared: Buffer | null = null;
// Once a flood has loaded the framing module, reads go into its input, where the capture
// writers frame them without a copy (headlines.ts). Asked for before every read.
const buffer = () => inputBuffer() ?? (shared ??= Buffer.allocUnsafe(READ_SIZE));

/** The write ends handed to run and finish, and the readers feeding the sink. */
export interface OutPipes {
  stdoutFd: number;
  stderrFd: number;
  /** Reads what a process that just exited left in the pipes and ends its partial lines. */
  drain(): void;
  /** drain(), then closes every end. */
  close(): void;
}

/**
 * Opens SUPERVISE/out.pipe and err.pipe (made with control and ok: the service's io.fifos is
 * OUT_FIFOS) and starts feeding sink.
 */
export function openOutPipes(superviseDir: string, service: string, sink: ChunkSink): OutPipes {
  const paths = OUT_FIFOS.map((n) => join(superviseDir, n));
  const readers: Reader[] = [];
  const writeFds: number[] = [];
  try {
    for (const [i, path] of paths.entries()) {
      // The read end first, non-blocking, so the write end's open returns at once. svrun keeps
      // a write end: the reader never sees EOF between runs.
      const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        writeFds.push(openSync(path, constants.O_WRONLY));
      } catch (err) {
        closeSync(readFd);
        throw err;
      }
      const reader = new Reader(readFd, service, i === 0 ? 'stdout' : 'stderr', sink);
      growPipe(readFd, () => (reader.mayRest = true));
      readers.push(reader);
    }
  } catch (err) {
    for (const r of readers) r.close();
    for (const fd of writeFds) closeSync(fd);
    throw err;
  }
  let closed = false;
  return {
    stdoutFd: writeFds[0]!,
    stderrFd: writeFds[1]!,
    drain() {
      for (const r of readers) r.drain();
    },
    close() {
      if (closed) return;
      closed = true;
      for (const r of readers) {
        r.drain();
        r.close();
      }
      for (const fd of writeFds) closeSync(fd);
    },
  };
}

// One FIFO's read end: libuv reads it while the sink takes bytes; paused while the sink is full.
class Reader {
  /** The pipe holds 1 MiB: reading may rest (REST_MS). */
  mayRest = false;
  private readonly socket: Socket;
  private paused = false;
  private rest: NodeJS.Timeout | null = null;

  constructor(private readonly fd: number, private readonly service: string, private readonly kind: 'stdout' | 'stderr', private readonly sink: ChunkSink) {
    // onread is a constructor option since Node 12; @types/node lists it only for connect().
    const opts: SocketConstructorOpts & { onread: OnReadOpts } = {
      fd, readable: true, writable: false,
      onread: { buffer, callback: (n, buf) => this.take(buf as Buffer, n) },
    };
    this.socket = new Socket(opts);
    this.socket.on('error', () => { /* only at close: nothing is left to read */ });
  }

  // false pauses libuv's reading (onread's contract) until the sink drains, or for a rest.
  private take(buf: Buffer, n: number, mayRest = this.mayRest): boolean {
    if (this.sink.chunk(this.service, this.kind, buf.subarray(0, n))) {
      if (!mayRest || n >= READ_SIZE || n < REST_MIN || this.rest) return true;
      this.rest = setTimeout(() => {
        this.rest = null;
        if (!this.paused) this.socket.resume();
      }, REST_MS);
      return false;
    }
    this.paused = true;
    this.sink.onDrain(() => {
      this.paused = false;
      this.socket.resume();
    });
    return false;
  }

  // At a process's exit: everything it wrote is in the pipe now. Read it here, so its lines
  // land before svrun reports the exit, then end a partial last line (the next run starts a
  // new one). While the sink is full the rest comes through libuv once it drains, unended.
  drain(): void {
    if (this.paused) return;
    const buf = buffer();
    for (;;) {
      let n: number;
      try {
        n = readSync(this.fd, buf, 0, READ_SIZE, null);
      } catch {
        break; // EAGAIN: empty
      }
      if (n <= 0) break;
      if (!this.take(buf, n, false)) {
        this.socket.pause();
        return;
      }
    }
    this.sink.end(this.service, this.kind);
  }

  close(): void {
    if (this.rest) clearTimeout(this.rest);
    this.socket.destroy();
  }
}
