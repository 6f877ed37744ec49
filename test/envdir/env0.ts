// Runs a program under an env dir tool and parses the `env -0` it prints, for differential tests.
import { isUtf8 } from 'node:buffer';
import { execa } from 'execa';

/** The printed environment: name → value (UTF-8 text, or `bytes:<hex>` when not UTF-8). */
export type PrintedEnv = Record<string, string>;

/** What one tool run produced. */
export interface ToolRun {
  exitCode: number | undefined;
  env: PrintedEnv;
  stderr: string;
}

/** Runs `...tool DIR /usr/bin/env -0` with exactly preset (plus PATH and the leak mark) as its environment. */
export async function runTool(
  tool: string[],
  dir: string,
  preset: Record<string, string> = {},
  asNobody = false,
): Promise<ToolRun> {
  const argv = [...(asNobody ? ['/usr/bin/setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'] : []), ...tool, dir, '/usr/bin/env', '-0'];
  const r = await execa(argv[0]!, argv.slice(1), {
    env: { PATH: '/usr/bin:/bin', SVRUN_TEST_RUN: process.env.SVRUN_TEST_RUN ?? '', ...preset },
    extendEnv: false,
    encoding: 'buffer',
    reject: false,
    timeout: 20_000,
  });
  return { exitCode: r.exitCode, env: parseEnv0(Buffer.from(r.stdout)), stderr: Buffer.from(r.stderr).toString() };
}

/** Parses NUL-separated NAME=value records; the name ends at the first '='. */
export function parseEnv0(out: Buffer): PrintedEnv {
  const env: PrintedEnv = {};
  let start = 0;
  while (start < out.length) {
    let end = out.indexOf(0, start);
    if (end === -1) end = out.length;
    const rec = out.subarray(start, end);
    const eq = rec.indexOf(0x3d);
    const name = rec.subarray(0, eq === -1 ? rec.length : eq).toString();
    const value = eq === -1 ? Buffer.alloc(0) : rec.subarray(eq + 1);
    env[name] = isUtf8(value) ? value.toString() : `bytes:${value.toString('hex')}`;
    start = end + 1;
  }
  return env;
}
