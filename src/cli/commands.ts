// The command table. Each registrar adds one command (or a family) to the program; its
// action imports the module that does the work only when that command runs, so a quick
// `svrun status` does not load what `svrun up` needs.
import type { Command } from 'commander';
import type { CliIo } from './main.js';
import { registerUp } from './up.js';
import { registerSv } from './sv.js';
import { registerLog } from './log.js';
import { registerLogs } from './logs.js';
import { registerChpst } from './chpst.js';
import { registerEnvdir } from './envdir.js';
import { registerNewrelic } from './newrelic.js';

/** The result holder an action sets its exit code in. */
export interface CliResult {
  code: number;
}

/** Adds commands to program. */
export type Registrar = (program: Command, result: CliResult, io: CliIo) => void;

// In the order `svrun --help` lists them.
const REGISTRARS: Registrar[] = [
  registerUp,
  registerSv,
  registerLog,
  registerLogs,
  registerChpst,
  registerEnvdir,
  registerNewrelic,
];

/** Registers every svrun command on program. */
export function registerCommands(program: Command, result: CliResult, io: CliIo): void {
  for (const register of REGISTRARS) register(program, result, io);
}
