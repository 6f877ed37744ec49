#!/usr/bin/env node
// Thin entry point: parse argv, call the library, set the exit code. Users reach it through
// bin/svrun, which adds V8 flags and an init when svrun is PID 1.
// CommonJS on purpose (bin/package.json, copied to dist/bin by the build): node runs a
// CommonJS main without first starting its asynchronous ES module loader, and require() loads
// svrun's ES modules synchronously (Node >= 20.19, 22.12). For `svrun status`, which monitoring
// runs every few seconds, that is 3 ms of 78 (bench:status). What it loads is the bundle that
// bin/bundle.mjs builds from src/cli/main.ts (dist/svrun/main.js), not tsc's dist/src.
import type * as Main from '../src/cli/main.js';

const BUNDLE = '../svrun/main.js'; // built next to dist/bin, typed by its source

function load(): Promise<typeof Main> {
  try {
    return Promise.resolve(require(BUNDLE) as typeof Main);
  } catch (err) {
    // Node 22.0-22.11 without --experimental-require-module
    if ((err as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ESM') return import(BUNDLE) as Promise<typeof Main>;
    throw err;
  }
}

void load().then(async (cli) => {
  process.exitCode = await cli.main(process.argv);
});
