// The exec primitive as `svrun chpst PROG` runs it: signals reach PROG, its status comes back.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTree, script, tempDir } from '../helpers/fs.js';
import { SVRUN, start, startSvrun, svrun } from '../helpers/proc.js';

// Waits on a background sleep so each trap runs at once; the trap for TERM ends everything.
const TRAPPER = [
  'sleep 1000 & p=$!',
  'trap "echo got HUP" HUP',
  'trap "echo got USR1" USR1',
  'trap "echo got INT" INT',
  'trap "echo got TERM; kill $p; exit 3" TERM',
  'echo ready',
  'while :; do wait $p; done',
].join('\n');

describe('execCommand', () => {
  it('passes HUP, USR1, INT and TERM sent to svrun on to prog, then exits with prog status', async () => {
    const dir = makeTree(tempDir(), { trapper: script(TRAPPER) });
    const run = startSvrun(['chpst', `${dir}/trapper`]);
    await run.waitFor('ready');
    for (const sig of ['HUP', 'USR1', 'INT'] as const) {
      process.kill(run.pid, `SIG${sig}`);
      await run.waitFor(`got ${sig}`);
    }
    const end = await run.stop('SIGTERM');
    expect(run.output()).toContain('got TERM');
    expect(end.exitCode).toBe(3);
  });

  it('exits with the exit code of prog', async () => {
    const r = await svrun(['chpst', 'sh', '-c', 'exit 7']);
    expect(r.exitCode).toBe(7);
  });

  it('exits 128 + n when prog is killed by signal n', async () => {
    expect((await svrun(['chpst', 'sh', '-c', 'kill -KILL $$'])).exitCode).toBe(137);
    expect((await svrun(['chpst', 'sh', '-c', 'kill -SEGV $$'])).exitCode).toBe(139);
  });

  it('gives prog the terminal streams of svrun', async () => {
    const r = await svrun(['chpst', 'sh', '-c', 'read x; echo "out $x"; echo err >&2'], { input: 'in\n' });
    expect(r.stdout).toBe('out in');
    expect(r.stderr).toBe('err');
  });

  it('exits 111 with one line when prog does not exist', async () => {
    const r = await svrun(['chpst', 'no-such-prog-here']);
    expect(r.exitCode).toBe(111);
    expect(r.stderr).toBe('svrun chpst: fatal: unable to run: no-such-prog-here: file does not exist');
  });

  it('exits 111 with the same line when a stacked tool would have run the missing prog', async () => {
    const r = await svrun(['chpst', '-u', 'nobody', '-P', 'no-such-prog-here']);
    expect(r.exitCode).toBe(111);
    expect(r.stderr).toBe('svrun chpst: fatal: unable to run: no-such-prog-here: file does not exist');
  });

  it('exits 111 naming a prog that is not executable', async () => {
    const dir = makeTree(tempDir(), { 'plain': 'echo hi\n' });
    const r = await svrun(['chpst', `${dir}/plain`]);
    expect(r.exitCode).toBe(111);
    expect(r.stderr).toBe(`svrun chpst: fatal: unable to run: ${dir}/plain: access denied`);
  });

  it('delivers a Ctrl-C typed at its terminal to prog once, not once from the tty and again from svrun', async () => {
    const root = tempDir();
    const quit = join(root, 'quit.txt');
    const dir = makeTree(root, {
      trapper: script([
        'sleep 1000 & p=$!',
        'n=0',
        'trap \'n=$((n+1)); echo "got INT $n"\' INT',
        // to a file: script(1) may stop reading the pty as soon as its child exits
        `trap 'echo "INTs at QUIT: $n" > ${quit}; kill $p; exit 3' QUIT`,
        'echo ready',
        'while :; do wait $p; done',
      ].join('\n')),
    });
    // script(1) gives svrun a pseudo-terminal whose foreground group holds svrun and prog.
    // `exec`: script runs the line with $SHELL -c, and a shell left waiting in that group
    // (dash, when SHELL is unset) would die of the QUIT itself.
    const tty = start('script', ['-qefc', `exec ${process.execPath} ${SVRUN} chpst ${dir}/trapper`, '/dev/null']);
    await tty.waitFor('ready');
    tty.proc.stdin?.write('\x03');
    await tty.waitFor('got INT 1');
    tty.proc.stdin?.write('\x1c');
    expect((await tty.proc).exitCode).toBe(3);
    expect(readFileSync(quit, 'utf8')).toBe('INTs at QUIT: 1\n');
  });
});
