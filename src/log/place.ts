// Where records go: svlogd's size rotation rules applied to a run of output bytes, so that
// batched writes produce exactly the files svlogd's one-write-per-line produces.

/** Rotate current here. */
export const ROTATE = 'rotate' as const;

/** Bytes to append to current, or a rotation. */
export type Op = Buffer | typeof ROTATE;

/** Size limits: `s` from config and `-l`. */
export interface Limits {
  sizeMax: number;
  lineMax: number;
}

/**
 * Splits out (whole records, each ending in `\n`, except a streamed long line) into appends
 * and rotations, given the size current will have; returns the ops and the new size.
 * svlogd, per record: rotate first if size >= sizeMax; write at most sizeMax - size bytes
 * (so a record may straddle two files); after a write ending in `\n`, rotate if
 * size >= sizeMax - lineMax.
 */
export function place(size: number, out: Buffer, lim: Limits): { ops: Op[]; size: number } {
  const ops: Op[] = [];
  if (lim.sizeMax <= 0) {
    ops.push(out);
    return { ops, size: size + out.length };
  }
  // unsigned arithmetic in svlogd: with sizeMax <= lineMax the after-write rule never fires
  const after = lim.sizeMax > lim.lineMax ? lim.sizeMax - lim.lineMax : Infinity;
  const limit = Math.min(lim.sizeMax, after);
  let runStart = 0;
  let pos = 0;
  const cut = () => {
    if (pos > runStart) ops.push(out.subarray(runStart, pos));
    ops.push(ROTATE);
    runStart = pos;
    size = 0;
  };
  while (pos < out.length) {
    // Records that end below every threshold go in one piece.
    const room = limit - size - 1;
    if (room >= out.length - pos) {
      size += out.length - pos;
      pos = out.length;
      break;
    }
    if (room > 0) {
      const nl = out.lastIndexOf(10, pos + room - 1);
      if (nl >= pos) {
        size += nl + 1 - pos;
        pos = nl + 1;
      }
    }
    // The next record, by svlogd's rules.
    const nl = out.indexOf(10, pos);
    const end = nl < 0 ? out.length : nl + 1;
    while (pos < end) {
      if (size >= lim.sizeMax) cut();
      const n = Math.min(end - pos, lim.sizeMax - size);
      size += n;
      pos += n;
      if (out[pos - 1] === 10 && size >= after) cut();
    }
  }
  if (pos > runStart) ops.push(out.subarray(runStart, pos));
  return { ops, size };
}
