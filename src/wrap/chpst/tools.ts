// The OS tools svrun chpst stacks for what Node cannot do in-process; absolute paths,
// because -e may hand PROG a PATH that does not reach them.

/** Paths of the helper programs, overridable for tests and odd systems. */
export interface Tools {
  setsid: string;
  prlimit: string;
  setpriv: string;
  flock: string;
  chroot: string;
  sh: string;
  bash: string;
}

/** Debian/usrmerge locations (util-linux, coreutils, dash, bash). */
export const DEFAULT_TOOLS: Tools = {
  setsid: '/usr/bin/setsid',
  prlimit: '/usr/bin/prlimit',
  setpriv: '/usr/bin/setpriv',
  flock: '/usr/bin/flock',
  chroot: '/usr/sbin/chroot',
  sh: '/bin/sh',
  bash: '/bin/bash',
};
