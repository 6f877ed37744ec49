// Which action an sv command word selects: mostly its first character, as runit's sv does
// (`sv dance` = down), with the full words start/stop/shutdown/restart/reload/try-restart/
// check/force-* and the capitals D/T/X/E that kill on timeout.

/** What one sv command does to each service. */
export interface SvAction {
  /** status prints, control writes letters, check only waits. */
  kind: 'status' | 'control' | 'check';
  /** Letters written to supervise/control (control), and the done test while waiting ('C' = check). */
  letters: string;
  /** Waits for the done test even without -v/-w. */
  wait: boolean;
  /** On timeout, prints `kill:` and writes `k`. */
  kill: boolean;
}

const control = (letters: string, wait = false, kill = false): SvAction => ({ kind: 'control', letters, wait, kill });

const FULL_WORDS: Record<string, SvAction> = {
  'try-restart': control('tc', true),
  check: { kind: 'check', letters: 'C', wait: true, kill: false },
  shutdown: control('x', true),
  start: control('u', true),
  stop: control('d', true),
  restart: control('tcu', true),
  reload: control('h', true),
  'force-reload': control('tc', true, true),
  'force-restart': control('tcu', true, true),
  'force-shutdown': control('x', true, true),
  'force-stop': control('d', true, true),
};

/** The action for an sv command word, or undefined when sv would print usage. */
export function selectAction(word: string): SvAction | undefined {
  const full = Object.hasOwn(FULL_WORDS, word) ? FULL_WORDS[word] : undefined;
  if (full) return full;
  switch (word.charAt(0)) {
    case 'x': case 'e': return control('x');
    case 'X': case 'E': return control('x', true, true);
    case 'D': return control('d', true, true);
    case 'T': return control('tc', true, true);
    case 't': case 'c': case 'u': case 'd': case 'o': case 'p': case 'h':
    case 'a': case 'i': case 'k': case 'q': case '1': case '2':
      return control(word.charAt(0));
    case 's': return { kind: 'status', letters: '', wait: false, kill: false };
    default: return undefined; // includes r… and f… words other than the full ones
  }
}
