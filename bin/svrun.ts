#!/usr/bin/env -S node --max-semi-space-size=1 --no-memory-reducer
// Thin entry point: parse argv, call the library, set the exit code.
// The flags are for `svrun up`; V8 reads them only at start, hence the shebang (env -S:
// coreutils 8.30+, BSD env). --max-semi-space-size caps the young generation at 1 MiB (the
// default grows to 16 MiB): a supervisor allocates little and keeps it briefly, so this is
// 12 MiB less resident memory, and log floods run no slower (less memory to touch).
// --no-memory-reducer: V8 would otherwise wake an idle svrun some seconds after bring-up for
// heap-shrinking GCs (90 ms of CPU with 100 services, measured); the heap does not grow
// while svrun is idle, so there is nothing for them to give back.
import { main } from '../src/cli/main.js';

// `svrun status | head` closing the pipe early is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await main(process.argv);
