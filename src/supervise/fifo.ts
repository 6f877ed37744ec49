// The two FIFOs of supervise/: control (clients write command letters) and ok (held open
// for reading so clients can tell a live supervisor: opening it for writing gives ENXIO
// when nobody holds it).
import { closeSync, constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { SvrunError, djbError } from '../errors.js';

/** Something open that must be closed exactly once. */
export interface Closeable {
  close(): void;
}

/**
 * Opens SUPERVISE/control read-write (so it never sees EOF when a writer leaves, as runsv)
 * and calls onCommand with each chunk of letters as it arrives, event-driven through libuv.
 */
export function openControl(superviseDir: string, onCommand: (letters: string) => void): Closeable {
  const fd = openFifo(join(superviseDir, 'control'), constants.O_RDWR | constants.O_NONBLOCK);
  const socket = new Socket({ fd, readable: true, writable: false });
  socket.on('data', (d: Buffer) => onCommand(d.toString('latin1')));
  socket.on('error', () => { /* a FIFO read error means it is gone; close() tidies up */ });
  return { close: () => void socket.destroy() };
}

/** Opens SUPERVISE/ok for reading and keeps it open: the "supervisor is alive" signal. */
export function holdOk(superviseDir: string): Closeable {
  const fd = openFifo(join(superviseDir, 'ok'), constants.O_RDONLY | constants.O_NONBLOCK);
  let open = true;
  return {
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

function openFifo(path: string, flags: number): number {
  try {
    return openSync(path, flags);
  } catch (err) {
    throw new SvrunError('SYSTEM', `unable to open ${path}: ${djbError(err)}`, { cause: err });
  }
}
