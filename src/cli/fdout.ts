// Writing the CLI's own output straight to fd 1 and 2: creating process.stdout costs a
// `svrun status` (which monitoring runs every few seconds) about 3 ms, more than its output.
import { fs } from '../os/syncfs.js';

/** Writes s to fd (1 or 2) in full; a reader that went away (EPIPE) gets nothing more, quietly. */
export function writeFd(fd: 1 | 2, s: string): void {
  let buf = Buffer.from(s);
  while (buf.length > 0) {
    let n: number;
    try {
      n = fs.writeSync(fd, buf);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      // a non-blocking fd (shared with a parent that set it so) that is full: the stream waits for it
      if (code === 'EAGAIN') {
        (fd === 1 ? process.stdout : process.stderr).write(buf);
        return;
      }
      throw err;
    }
    buf = buf.subarray(n);
  }
}
