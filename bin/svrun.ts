#!/usr/bin/env node
// Thin entry point: parse argv, call the library, set the exit code.
import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv);
