// The plain forms of `svrun status` (names, --json, -d DIR), recognised without commander;
// anything else (help, unknown options) goes the normal way and gets commander's messages.

/** What a plain `svrun status …` asks for. */
export interface PlainStatus {
  names: string[];
  flags: { json?: boolean; dir?: string };
}

/** Parses argv after the program name; null when it is not a plain status command. */
export function plainStatus(args: string[]): PlainStatus | null {
  if (args[0] !== 'status') return null;
  const out: PlainStatus = { names: [], flags: {} };
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') out.flags.json = true;
    else if ((a === '-d' || a === '--dir') && i + 1 < args.length) out.flags.dir = args[++i]!;
    else if (a.startsWith('--dir=')) out.flags.dir = a.slice(6);
    else if (a.startsWith('-')) return null;
    else out.names.push(a);
  }
  return out;
}
