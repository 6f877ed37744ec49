#!/usr/bin/env -S node --max-semi-space-size=1
// Thin entry point: parse argv, call the library, set the exit code.
// The flag caps V8's young generation at 1 MiB (the default grows to 16 MiB): a supervisor
// allocates little and keeps it briefly, so this is 12 MiB less resident memory for
// `svrun up`, and log floods run no slower (less memory to touch). V8 reads it only at start,
// hence the shebang (env -S: coreutils 8.30+, BSD env).
import { main } from '../src/cli/main.js';

// `svrun status | head` closing the pipe early is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await main(process.argv);
