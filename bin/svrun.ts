#!/usr/bin/env node
// Thin entry point: parse argv, call the library, set the exit code. Users reach it through
// bin/svrun, which adds V8 flags and an init when svrun is PID 1.
import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv);
