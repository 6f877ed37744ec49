// A command as a value: what to execute and how. Wrappers (chpst options, New Relic)
// transform one Command into another; only src/wrap/exec.ts and the supervisor run them.

/** A program to run, with everything that shapes its process. */
export interface Command {
  /** Program path or name looked up in PATH. */
  file: string;
  /** Arguments after argv[0]. */
  args: string[];
  /** argv[0] seen by the program, if not file (chpst -b). */
  argv0?: string;
  /** The complete environment of the program (not a patch). */
  env: Record<string, string>;
  /** Working directory. */
  cwd?: string;
}
