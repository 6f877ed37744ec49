// The `config` file of a log directory, read at open and on HUP (svlogd's format).

/** One selection rule: `+`/`-` select or deselect for the log, `e`/`E` for stderr. */
export interface Rule {
  kind: '+' | '-' | 'e' | 'E';
  pattern: Buffer;
}

/** The settings of one log directory. */
export interface LogConfig {
  /** Rotate when current reaches this many bytes; 0 = never (svlogd `s`). */
  sizeMax: number;
  /** Keep at most this many old files; 0 = keep all (`n`). */
  nMax: number;
  /** On ENOSPC, old files may be deleted down to this many (`N`). */
  nMin: number;
  /** Rotate a non-empty current this many seconds after the last rotation; 0 = never (`t`). */
  tMax: number;
  /** Shell command run on each rotated file (`!`), or "". */
  processor: string;
  /** Bytes put before each line after the timestamp (`p`). */
  prefix: Buffer;
  /** Selection rules, in file order; the last match wins. */
  rules: Rule[];
}

/** svlogd's defaults: 1 MB files, 10 old files, no time rotation. */
export function defaultConfig(): LogConfig {
  return { sizeMax: 1_000_000, nMax: 10, nMin: 10, tMax: 0, processor: '', prefix: Buffer.alloc(0), rules: [] };
}

/** Result of parsing: the settings and one warning per line that was ignored. */
export interface ParsedConfig {
  config: LogConfig;
  warnings: string[];
}

const SUFFIX: Record<string, Record<string, number>> = {
  s: { '': 1, k: 1024, m: 1024 * 1024 },
  t: { '': 1, m: 60, h: 3600 },
  n: { '': 1 },
  N: { '': 1 },
};

/** Parses config text (bytes kept as latin1 so patterns and prefix match raw bytes). */
export function parseConfig(text: Buffer | string, name = 'config'): ParsedConfig {
  const config = defaultConfig();
  const warnings: string[] = [];
  const src = typeof text === 'string' ? text : text.toString('latin1');
  src.split('\n').forEach((line, i) => {
    const key = line[0];
    const rest = line.slice(1);
    if (key === undefined || key === '#') return;
    if (key === '+' || key === '-' || key === 'e' || key === 'E') {
      config.rules.push({ kind: key, pattern: Buffer.from(rest, 'latin1') });
    } else if (key === 's' || key === 'n' || key === 'N' || key === 't') {
      const m = /^(\d+)([a-z]?)$/.exec(rest);
      const mult = m ? SUFFIX[key]![m[2]!] : undefined;
      if (!m || mult === undefined) {
        warnings.push(`${name}: line ${i + 1}: ignoring bad setting "${line}": want ${key} and a number`);
        return;
      }
      const value = Number(m[1]) * mult;
      if (key === 's') config.sizeMax = value;
      else if (key === 'n') config.nMax = value;
      else if (key === 'N') config.nMin = value;
      else config.tMax = value;
    } else if (key === '!') {
      if (rest) config.processor = rest;
    } else if (key === 'p') {
      if (rest) config.prefix = Buffer.from(rest, 'latin1');
    } else if (key === 'u' || key === 'U') {
      warnings.push(`${name}: line ${i + 1}: ignoring "${line}": UDP logging is not supported`);
    }
    // svlogd ignores any other line silently; so do we.
  });
  return { config, warnings };
}
