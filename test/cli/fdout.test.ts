// The CLI's own output goes straight to fd 1: a reader that went away must cost no stack trace.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { makeTree, tempDir } from '../helpers/fs.js';
import { SVRUN } from '../helpers/proc.js';

describe('svrun status writing to a closed pipe', () => {
  it('keeps its exit code and prints nothing on stderr', async () => {
    // three service dirs with no supervisor: sv prints three fail: lines and exits 3
    const dir = makeTree(tempDir(), { 'a/run': '', 'b/run': '', 'c/run': '' });
    const child = spawn(process.execPath, [SVRUN, 'status', '-d', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before svrun writes: its write gets EPIPE
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(3);
  });
});
