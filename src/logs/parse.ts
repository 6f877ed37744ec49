// Log lines as svlogd and svrun's capture write them: an optional timestamp (-t TAI64N,
// -tt, -ttt), then, from the default capture, an optional `stderr: ` mark.

/** One line of a log file. */
export interface LogRecord {
  service: string;
  /** ms since the epoch (fractional), or null when the line has no timestamp. */
  time: number | null;
  stream: 'stdout' | 'stderr';
  text: string;
}

const PTIME = /^(\d{4})-(\d\d)-(\d\d)[_T](\d\d):(\d\d):(\d\d)\.(\d{5}) /;
const TAI = /^@([0-9a-f]{16})([0-9a-f]{8}) /;
const MARK = 'stderr: ';
// TAI64: 2^62 + 10 + Unix seconds (as svlogd writes it)
const TAI_BASE = 0x400000000000000an;

/** Parses one line (without its newline). */
export function parseLine(service: string, line: string): LogRecord {
  let time: number | null = null;
  let rest = line;
  let m = PTIME.exec(line);
  if (m) {
    time = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + Number(m[7]) / 100;
    rest = line.slice(m[0].length);
  } else if ((m = TAI.exec(line))) {
    time = Number(BigInt(`0x${m[1]}`) - TAI_BASE) * 1000 + parseInt(m[2]!, 16) / 1e6;
    rest = line.slice(m[0].length);
  }
  const err = rest.startsWith(MARK);
  return { service, time, stream: err ? 'stderr' : 'stdout', text: err ? rest.slice(MARK.length) : rest };
}

/** Parses the complete lines of text; lines without a stamp take the time of the one before. */
export function parseLines(service: string, text: string, prevTime: number | null = null): LogRecord[] {
  const out: LogRecord[] = [];
  let time = prevTime;
  const lines = text.split('\n');
  lines.pop();
  for (const l of lines) {
    const r = parseLine(service, l);
    if (r.time === null) r.time = time;
    else time = r.time;
    out.push(r);
  }
  return out;
}
