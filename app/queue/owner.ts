// Who holds an embedded-queue job: pid plus process start time, so a reused pid is not mistaken.
import { readFileSync } from 'node:fs';

/** "pid:starttime" of a process, or undefined when it does not exist. */
export function ownerOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // fields after the parenthesised command: state is field 3, starttime field 22
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return `${pid}:${fields[19]}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `${pid}:?`; // no /proc: fall back to the pid alone
  }
}

/** Whether the owner token still names a live process. */
export function ownerAlive(owner: string): boolean {
  const pid = Number(owner.split(':')[0]);
  const now = ownerOf(pid);
  if (now === undefined) return false;
  return now === owner || now.endsWith(':?') || owner.endsWith(':?');
}
