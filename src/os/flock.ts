// An exclusive, non-blocking flock(2) on a descriptor svrun holds. Node has no flock, so
// util-linux `flock -n FD` runs on that descriptor: the lock belongs to the open file
// description and stays svrun's after the short-lived child exits, until svrun closes it.
// It is a real flock, so runit's runsv and svlogd respect it.
// Requests made in the same turn of the event loop share one helper: `svrun up` locks every
// service at once, and each process started costs milliseconds. The helper is perl when the
// system has it (perl-base is essential on Debian): one process for all, flock(2) on each
// descriptor; else sh running flock(1) on each.
import { spawn } from 'node:child_process';
import { SvrunError, djbError } from '../errors.js';

// flock(1) exits with this when the lock is held elsewhere (-E), to tell it from other failures.
const CONFLICT = 75;
// sh reports a command it cannot find with this.
const NOT_FOUND = 127;
// Descriptors per sh: the child gets them as 3, 4, …; well under the usual limit of 1024.
const BATCH = 200;

interface Request {
  fd: number;
  path: string;
  resolve: (locked: boolean) => void;
  reject: (err: Error) => void;
}

let queued: Request[] = [];

/** Locks fd (an open file named path): true when locked, false when another process holds it. */
export function flockFd(fd: number, path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    if (queued.length === 0) setImmediate(flush);
    queued.push({ fd, path, resolve, reject });
  });
}

function flush(): void {
  const all = queued;
  queued = [];
  for (let i = 0; i < all.length; i += BATCH) lockAll(all.slice(i, i + BATCH));
}

// perl: the descriptors are write-only appends, so opened with >>&= (fdopen, no dup).
const PERL = 'use Fcntl qw(:flock); for my $fd (@ARGV) { my $s = 1; if (open(my $fh, ">>&=", $fd)) { '
  + `$s = flock($fh, LOCK_EX | LOCK_NB) ? 0 : $!{EWOULDBLOCK} ? ${CONFLICT} : 1 } print "$fd $s\\n" }`;

function lockAll(batch: Request[]): void {
  const fds = batch.map((_, i) => 3 + i);
  // one line per descriptor, "FD STATUS", whatever flock's status
  const script = `if command -v perl >/dev/null 2>&1; then exec perl -e '${PERL}' "$@"; fi
for fd; do flock -n -E ${CONFLICT} "$fd"; echo "$fd $?"; done`;
  const child = spawn('sh', ['-c', script, 'sh', ...fds.map(String)], { stdio: ['ignore', 'pipe', 'pipe', ...batch.map((r) => r.fd)] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.on('error', (err) => {
    for (const r of batch) r.reject(new SvrunError('SYSTEM', `unable to lock ${r.path}: unable to run sh: ${djbError(err)}`));
  });
  child.on('close', () => {
    const status = new Map(stdout.split('\n').filter(Boolean).map((l) => l.split(' ').map(Number) as [number, number]));
    batch.forEach((r, i) => {
      const code = status.get(3 + i);
      if (code === 0) r.resolve(true);
      else if (code === CONFLICT) r.resolve(false);
      else if (code === NOT_FOUND) r.reject(new SvrunError('SYSTEM', `unable to lock ${r.path}: unable to run flock (util-linux): file does not exist`));
      else r.reject(new SvrunError('SYSTEM', `unable to lock ${r.path}: ${stderr.trim().split('\n')[0] || `flock exited ${code ?? 'without a status'}`}`));
    });
  });
}
