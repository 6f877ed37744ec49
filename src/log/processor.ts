// svlogd's `!processor`: `sh -c processor` with stdin = @….u, stdout = @….t, fd 4 = state,
// fd 5 = newstate. Exit 0: .t becomes .s (0744), .u goes, newstate becomes state.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, open, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Runs processor once on dir/uName; resolves true if it exited 0 and its output was kept. */
export async function processOnce(dir: string, uName: string, processor: string): Promise<boolean> {
  const base = uName.slice(0, 26);
  const tPath = join(dir, `${base}t`);
  await writeFile(join(dir, 'state'), '', { flag: 'a' });
  const files = await Promise.all([
    open(join(dir, uName), 'r'),
    open(tPath, 'w', 0o644),
    open(join(dir, 'state'), 'r'),
    open(join(dir, 'newstate'), 'w', 0o644),
  ]);
  let code: number | null = null;
  try {
    const [u, t, state, newstate] = files.map((f) => f.fd) as [number, number, number, number];
    const child = spawn('/bin/sh', ['-c', processor], { cwd: dir, stdio: [u, t, 'inherit', 'ignore', state, newstate] });
    [code] = (await once(child, 'close')) as [number | null];
  } finally {
    await Promise.all(files.map((f) => f.close()));
  }
  if (code !== 0) {
    await unlink(tPath).catch(() => undefined);
    return false;
  }
  const sPath = join(dir, `${base}s`);
  await rename(tPath, sPath);
  await chmod(sPath, 0o744);
  await unlink(join(dir, uName)).catch(() => undefined);
  await rename(join(dir, 'newstate'), join(dir, 'state'));
  return true;
}
