// The developer's view: every service line on svrun's stdout behind a time and an aligned
// service-name prefix (foreman style). Lines are written whole, one write each, so services
// never interleave mid-line. Service colours leave out cyan, yellow and red: those are svrun's
// own events (info, warning, error).
import { paint } from '../cli/color.js';
import type { LineSink } from './lines.js';

const COLORS = ['green', 'magenta', 'blue', 'greenBright', 'magentaBright', 'blueBright'] as const;

/** Options for the console sink. */
export interface ConsoleOptions {
  color: boolean;
  /** Drop service lines (svrun --quiet shows only svrun's own events). */
  quiet?: boolean;
  /** Wall clock in ms (default Date.now). */
  clock?: () => number;
}

/** A sink that prints `HH:MM:SS name | line` to out, pausing producers while out is full. */
export function consoleSink(out: NodeJS.WritableStream, opts: ConsoleOptions): LineSink & { width: number } {
  const colorOf = new Map<string, (typeof COLORS)[number]>();
  const clock = opts.clock ?? Date.now;
  const sink = {
    width: 0,
    quiet: opts.quiet ?? false,
    write(service: string, stream: 'stdout' | 'stderr', line: string): boolean {
      if (sink.quiet) return true;
      sink.width = Math.max(sink.width, service.length);
      // UTC, as svrun's events print their time
      let time = new Date(clock()).toISOString().slice(11, 19);
      let prefix = `${service.padEnd(sink.width)} |`;
      let text = line;
      if (opts.color) {
        if (!colorOf.has(service)) colorOf.set(service, COLORS[colorOf.size % COLORS.length]!);
        time = paint('dim', time);
        prefix = paint(colorOf.get(service)!, prefix);
        if (stream === 'stderr') text = paint('dim', line);
      }
      return out.write(`${time} ${prefix} ${text}\n`);
    },
    onDrain(cb: () => void) {
      out.once('drain', cb);
    },
  };
  return sink;
}
