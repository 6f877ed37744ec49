// The one shell step chpst's in-process changes need where Node and util-linux have no
// exec-in-place tool: create and take the lock, close std fds, and exec with argv[0].
import type { ChpstOptions } from './options.js';
import type { Tools } from './tools.js';

/** What the prelude must do; argv0 needs bash's `exec -a` (dash has none). */
export interface PreludeSpec {
  lock?: ChpstOptions['lock'];
  close: ChpstOptions['close'];
  argv0?: string;
}

/** True when spec needs a shell step at all. */
export function needsPrelude(spec: PreludeSpec): boolean {
  return Boolean(spec.lock || spec.argv0 !== undefined || spec.close.stdin || spec.close.stdout || spec.close.stderr);
}

/** argv (interpreter first) of a shell step that does spec, then execs the rest of argv. */
export function preludeArgv(spec: PreludeSpec, tools: Tools, rest: string[]): string[] {
  const lines: string[] = [];
  const params: string[] = [];
  if (spec.lock) {
    params.push(spec.lock.file);
    lines.push('lock=$1; shift');
  }
  if (spec.argv0 !== undefined) {
    params.push(spec.argv0);
    lines.push('a=$1; shift');
  }
  if (spec.lock) {
    // chpst creates the lock file 0600
    lines.push(`(umask 077; : >>"$lock") 2>/dev/null || { ${fail('unable to open lock: %s: access denied')} }`);
  }
  if (spec.lock && !spec.lock.wait) {
    lines.push(`exec 3>>"$lock"; ${tools.flock} -n 3 || { ${fail('unable to lock: %s: temporary failure')} }`);
  }
  const closes = [spec.close.stdin && '0<&-', spec.close.stdout && '1>&-', spec.close.stderr && '2>&-'].filter(Boolean).join(' ');
  // -l waits in flock itself (-F: no fork), so a signal to the waiter ends the waiter.
  const flock = spec.lock?.wait ? `${tools.flock} -F "$lock" ` : '';
  if (spec.argv0 === undefined) lines.push(`exec ${flock}"$@" ${closes}`);
  else if (flock) lines.push(`exec ${flock}${tools.bash} -c 'exec -a "$0" "$@"' "$a" "$@" ${closes}`);
  else lines.push(`exec -a "$a" "$@" ${closes}`);
  const shell = spec.argv0 !== undefined && !flock ? tools.bash : tools.sh;
  return [shell, '-c', lines.join('\n'), 'svrun-chpst', ...params, ...rest];
}

function fail(format: string): string {
  return `printf 'svrun chpst: fatal: ${format}\\n' "$lock" >&2; exit 111;`;
}
