// svrun log grows the pipe on its stdin (runsv's, or svrun up's log pipe) where the process
// may (os/pipesize.ts), and reads it to the end either way.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PIPE_SIZE, mayGrowPipes } from '../../src/os/pipesize.js';
import { tempDir } from '../helpers/fs.js';
import { SVRUN, pollUntil } from '../helpers/proc.js';

const pipeSize = (fd: number) => Number(spawnSync('perl', ['-e', 'open(my $fh, ">&=", 3) or die; print fcntl($fh, 1032, 0)'], {
  stdio: ['ignore', 'pipe', 'inherit', fd], encoding: 'utf8',
}).stdout);

describe('svrun log stdin', () => {
  it('grows a pipe on stdin to 1 MiB where it may, and logs what came through it', async () => {
    const dir = tempDir();
    const fifo = join(tempDir(), 'p');
    execFileSync('mkfifo', [fifo]);
    const r = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const w = openSync(fifo, constants.O_WRONLY);
    const child = spawn(process.execPath, [SVRUN, 'log', dir], { stdio: [r, 'ignore', 'inherit'] });
    closeSync(r);
    const exited = new Promise<number | null>((res) => child.once('exit', res));
    const want = mayGrowPipes() ? PIPE_SIZE : 65536;
    await pollUntil(() => pipeSize(w) === want || null, 10_000, `a pipe of ${want} bytes`);
    writeSync(w, 'one\n');
    closeSync(w);
    expect(await exited).toBe(0);
    expect(readFileSync(join(dir, 'current'), 'utf8')).toBe('one\n');
  });
});
