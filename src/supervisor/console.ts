// The developer's view: every service line on svrun's stdout behind an aligned service-name
// prefix (foreman style). Lines are written whole, so services never interleave mid-line.
import { styleText } from 'node:util';
import type { LineSink } from './lines.js';

const COLORS = ['cyan', 'magenta', 'green', 'yellow', 'blue', 'redBright', 'cyanBright', 'magentaBright'] as const;

/** Options for the console sink. */
export interface ConsoleOptions {
  color: boolean;
  /** Drop service lines (svrun --quiet shows only svrun's own events). */
  quiet?: boolean;
}

/** A sink that prints `name | line` to out, pausing producers while out is full. */
export function consoleSink(out: NodeJS.WritableStream, opts: ConsoleOptions): LineSink & { width: number } {
  const colorOf = new Map<string, (typeof COLORS)[number]>();
  const sink = {
    width: 0,
    write(service: string, stream: 'stdout' | 'stderr', line: string): boolean {
      if (opts.quiet) return true;
      sink.width = Math.max(sink.width, service.length);
      let prefix = `${service.padEnd(sink.width)} |`;
      if (opts.color) {
        if (!colorOf.has(service)) colorOf.set(service, COLORS[colorOf.size % COLORS.length]!);
        prefix = styleText(colorOf.get(service)!, prefix);
      }
      const text = stream === 'stderr' && opts.color ? styleText('dim', line) : line;
      return out.write(`${prefix} ${text}\n`);
    },
    onDrain(cb: () => void) {
      out.once('drain', cb);
    },
  };
  return sink;
}
