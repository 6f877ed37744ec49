// Whether a command has taken effect: sv's per-letter "done" tests (check() in sv.c),
// evaluated on one status record. The check script is injected so this stays pure.
import type { StatusRecord } from '../supervise/status.js';

/**
 * True when every letter's test passes. startSec = unix second sv started; 'C' (the
 * `check` command) tests up or down by the want byte. ./check runs only where sv runs it.
 */
export async function isDone(letters: string, rec: StatusRecord, startSec: number, checkOk: () => Promise<boolean>): Promise<boolean> {
  for (const letter of letters) {
    const c = letter === 'C' ? (rec.want === 'd' ? 'd' : 'u') : letter;
    switch (c) {
      case 'x': return false; // done only once the supervisor is gone
      case 'u':
        if (!rec.pid || rec.state !== 'run') return false;
        if (!(await checkOk())) return false;
        break;
      case 'd':
        if (rec.pid || rec.state !== 'down') return false;
        break;
      case 't': case 'k':
        if (!rec.pid && rec.want === 'd') break;
        // whole seconds, as sv: a restart within the second it started counts as done
        if (startSec > rec.stamp.sec || !rec.pid || rec.term || !(await checkOk())) return false;
        break;
      case 'o':
        if ((!rec.pid && startSec > rec.stamp.sec) || (rec.pid && rec.want !== 'd')) return false;
        break;
      case 'p': if (rec.pid && !rec.paused) return false; break;
      case 'c': if (rec.pid && rec.paused) return false; break;
      default: break; // h a i q 1 2: done as soon as written
    }
  }
  return true;
}
