// A child's output stream into a sink, with back-pressure: when the sink says it is full, the
// stream is paused until the sink drains. A sink that frames lines itself (the capture files)
// takes the raw chunks; others get whole lines.
import type { Readable } from 'node:stream';

/** Where captured lines go; write returns false when the caller should pause. */
export interface LineSink {
  write(service: string, stream: 'stdout' | 'stderr', line: string): boolean;
  onDrain(cb: () => void): void;
  /** True when every line is dropped (svrun -q): nobody needs them split. */
  quiet?: boolean;
}

/** A sink that also takes raw bytes and finds the lines itself. */
export interface ChunkSink extends LineSink {
  chunk(service: string, stream: 'stdout' | 'stderr', data: Buffer): boolean;
  /** The stream ended: a final line without a newline is complete now. */
  end(service: string, stream: 'stdout' | 'stderr'): void;
}

/** Feeds stream to sink; a final line without a newline is kept, not dropped. */
export function pipeLines(stream: Readable, service: string, kind: 'stdout' | 'stderr', sink: LineSink): void {
  const pause = (ok: boolean) => {
    if (ok) return;
    stream.pause();
    sink.onDrain(() => stream.resume());
  };
  stream.on('error', () => { /* the child is gone; its exit is reported elsewhere */ });
  if ('chunk' in sink) {
    const cs = sink as ChunkSink;
    stream.on('data', (chunk: Buffer) => pause(cs.chunk(service, kind, chunk)));
    stream.on('end', () => cs.end(service, kind));
    return;
  }
  const split = lineSplitter();
  stream.on('data', (chunk: Buffer) => {
    let ok = true;
    for (const line of split.push(chunk)) ok = sink.write(service, kind, line) && ok;
    pause(ok);
  });
  stream.on('end', () => {
    const rest = split.end();
    if (rest !== null) sink.write(service, kind, rest);
  });
}

/** Splits byte chunks into UTF-8 lines (without their newline), carrying a partial last line. */
export function lineSplitter(): { push(chunk: Buffer): string[]; end(): string | null } {
  let carry: Buffer[] = [];
  return {
    push(chunk) {
      const lines: string[] = [];
      let pos = 0;
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, pos)) {
        const piece = chunk.subarray(pos, nl);
        if (carry.length) {
          lines.push(Buffer.concat([...carry, piece]).toString('utf8'));
          carry = [];
        } else {
          lines.push(piece.toString('utf8'));
        }
        pos = nl + 1;
      }
      // a copy: the caller may reuse chunk (svrun reads every service into one buffer)
      if (pos < chunk.length) carry.push(Buffer.from(chunk.subarray(pos)));
      return lines;
    },
    end() {
      if (!carry.length) return null;
      const rest = Buffer.concat(carry).toString('utf8');
      carry = [];
      return rest;
    },
  };
}
