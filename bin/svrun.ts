#!/usr/bin/env node
// Thin entry point: parse argv, call the library, set the exit code. Users reach it through
// bin/svrun, which adds V8 flags and an init when svrun is PID 1.
import { main } from '../src/cli/main.js';

// `svrun status | head` closing the pipe early is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await main(process.argv);
