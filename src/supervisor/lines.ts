// Splits a child's output stream into whole lines for a sink, with back-pressure: when the
// sink says it is full, the stream is paused until the sink drains.
import type { Readable } from 'node:stream';

/** Where captured lines go; write returns false when the caller should pause. */
export interface LineSink {
  write(service: string, stream: 'stdout' | 'stderr', line: string): boolean;
  onDrain(cb: () => void): void;
}

/** Feeds every line of stream to sink; a final line without a newline is kept, not dropped. */
export function pipeLines(stream: Readable, service: string, kind: 'stdout' | 'stderr', sink: LineSink): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const text = rest + chunk;
    const lines = text.split('\n');
    rest = lines.pop()!;
    let ok = true;
    for (const line of lines) ok = sink.write(service, kind, line) && ok;
    if (!ok) {
      stream.pause();
      sink.onDrain(() => stream.resume());
    }
  });
  stream.on('end', () => {
    if (rest) sink.write(service, kind, rest);
    rest = '';
  });
  stream.on('error', () => { /* the child is gone; its exit is reported elsewhere */ });
}
