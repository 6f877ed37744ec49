// Grows the pipes svrun reads a service's output from (out.pipe, err.pipe, log.pipe) from
// Linux's 64 KiB to 1 MiB (F_SETPIPE_SZ). With 64 KiB, a service writing fast blocks whenever
// svrun is busy for a moment (another service, a GC), then svrun waits for it: a 500,000-line
// flood took 305 ms with 64 KiB and 231 ms with 1 MiB (median of 5). The buffer is still
// bounded: a full pipe blocks the writer, as before, and the kernel allocates its pages only
// while they hold bytes.
// Only with CAP_SYS_RESOURCE or CAP_SYS_ADMIN (root, outside a restricted container): without
// them, the kernel charges the pages against a per-user budget (fs.pipe-user-pages-soft,
// 64 MiB) shared with every other program of that user, and a user over it gets 8 KiB pipes.
// Node has no fcntl, so perl (essential on Debian) does it on descriptors it inherits; the
// requests of one tick share one process. Best effort: where perl or the capability is
// missing, or the kernel says no, the pipe keeps its size and nothing else changes.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The size asked for: Linux's pipe-max-size default, the most an unprivileged pipe may have. */
export const PIPE_SIZE = 1 << 20;
// linux/fcntl.h: F_LINUX_SPECIFIC_BASE + 7
const F_SETPIPE_SZ = 1031;
// linux/capability.h: the capabilities that lift the per-user pipe budget (pipe_is_unprivileged_user)
const CAPS = [21n, 24n]; // CAP_SYS_ADMIN, CAP_SYS_RESOURCE
// Descriptors per helper: the child gets them as 3, 4, …; well under the usual limit of 1024.
const BATCH = 200;

let allowed: boolean | null = null;
/** A pipe to grow, and who to tell once it has grown. */
interface Request {
  fd: number;
  grown?: (() => void) | undefined;
}

let queued: Request[] = [];
// helpers still running: each leaves the set when it exits (svrun up grows pipes for every
// service it adds, for as long as it runs)
const running = new Set<Promise<void>>();

/** Whether this process may grow pipes without touching its user's shared budget. */
export function mayGrowPipes(): boolean {
  if (allowed !== null) return allowed;
  allowed = false;
  if (process.platform !== 'linux') return allowed;
  try {
    const status = readFileSync('/proc/self/status', 'latin1');
    const eff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
    const caps = eff === null ? 0n : BigInt(`0x${eff[1]}`);
    allowed = CAPS.some((c) => ((caps >> c) & 1n) === 1n);
  } catch { /* no /proc: leave the pipes alone */ }
  return allowed;
}

/**
 * Asks for fd's pipe to hold PIPE_SIZE bytes; returns at once (the helper runs alongside),
 * and calls grown once the pipe holds PIPE_SIZE, never if it keeps its size.
 */
export function growPipe(fd: number, grown?: () => void): void {
  if (!mayGrowPipes()) return;
  if (queued.length === 0) setImmediate(growQueuedPipes);
  queued.push({ fd, grown });
}

/** Resolves once every helper started so far has exited (for tests). */
export async function pipesGrown(): Promise<void> {
  while (running.size > 0) await Promise.all(running);
}

/**
 * Starts the helper for the requests queued so far: on the loop's next turn after the first
 * request, or at once when svrun up calls it before it starts the services, so a service that
 * writes from its first moment finds its pipe grown or about to be.
 */
export function growQueuedPipes(): void {
  const all = queued;
  queued = [];
  for (let i = 0; i < all.length; i += BATCH) {
    const helper = growAll(all.slice(i, i + BATCH)).then(() => void running.delete(helper));
    running.add(helper);
  }
}

// prints the index of each pipe it grew
const PERL = `for my $i (0..$#ARGV) { open(my $fh, "<&=", $ARGV[$i]) or next; print "$i\\n" if fcntl($fh, ${F_SETPIPE_SZ}, ${PIPE_SIZE}) }`;

function growAll(reqs: Request[]): Promise<void> {
  return new Promise((resolve) => {
    try {
      const child = spawn('perl', ['-e', PERL, ...reqs.map((_, i) => String(3 + i))], { stdio: ['ignore', 'pipe', 'ignore', ...reqs.map((r) => r.fd)] });
      let out = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString('latin1')));
      child.on('error', () => resolve()); // no perl: the pipes keep 64 KiB
      child.on('close', () => {
        for (const i of out.split('\n')) if (i !== '') reqs[Number(i)]?.grown?.();
        resolve();
      });
    } catch {
      resolve(); // a descriptor closed since it was queued (its service failed to open)
    }
  });
}
