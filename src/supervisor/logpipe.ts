// The pipe between a service and its log/run, held by svrun for as long as it supervises the
// service, as runsv holds its pipe: neither side's restart loses what the other wrote.
// Node has no pipe(2), so it is a FIFO in supervise/: svrun keeps it open read-write (the
// pipe never loses its last reader or writer), hands a read end to log/run's stdin and a
// write end to run's and finish's stdout.
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { growPipe } from '../os/pipesize.js';
import { makeFifos } from '../supervise/dir.js';

/** The three ends svrun holds; closeWriters() lets the logger see EOF. */
export interface LogPipe {
  readFd: number;
  writeFd: number;
  closeWriters(): void;
  close(): void;
}

/** Opens (creating if needed) SUPERVISE/log.pipe and returns its ends. */
export async function openLogPipe(superviseDir: string): Promise<LogPipe> {
  const path = join(superviseDir, 'log.pipe');
  await makeFifos([path]);
  // Read-write first: with it held, the blocking opens below return at once.
  const holder = openSync(path, constants.O_RDWR);
  const readFd = openSync(path, constants.O_RDONLY);
  const writeFd = openSync(path, constants.O_WRONLY);
  growPipe(holder);
  const open = new Set([holder, readFd, writeFd]);
  const closeFd = (fd: number) => {
    if (open.delete(fd)) closeSync(fd);
  };
  return {
    readFd,
    writeFd,
    closeWriters() {
      closeFd(holder);
      closeFd(writeFd);
    },
    close() {
      for (const fd of [...open]) closeFd(fd);
    },
  };
}
