// `svrun logs`: the log files of services, merged in time order, printed or followed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTree, script, tempDir } from '../helpers/fs.js';
import { pollUntil, startSvrun, svrun } from '../helpers/proc.js';

const t = (s: number) => `2026-11-28_10:00:0${s}.00000`;

// web: default capture (supervise/log), stderr marked; db: a logger writing log/main, rotated once.
function services() {
  return makeTree(tempDir(), {
    'web/run': script('exec sleep 1000'),
    'web/supervise/log/current': `${t(1)} one\n${t(3)} stderr: three\n`,
    'db/run': script('exec sleep 1000'),
    'db/log/run': script('exec svlogd -tt ./main'),
    'db/log/main/@400000006b0a344326417ec4.s': `${t(2)} two\n`,
    'db/log/main/current': `${t(4)} four\n${t(5)} half a li`,
  });
}

describe('svrun logs', () => {
  it('prints the lines of every service merged in time order, rotated files first, names aligned', async () => {
    const r = await svrun(['logs', '-d', services()], { env: { NO_COLOR: '1' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe([
      '2026-11-28 10:00:01.000 web | one',
      '2026-11-28 10:00:02.000 db  | two',
      '2026-11-28 10:00:03.000 web | three',
      '2026-11-28 10:00:04.000 db  | four',
    ].join('\n'));
  });

  it('with -n prints the last lines of the merge, and with --json one object per line with the stream', async () => {
    const r = await svrun(['logs', '-d', services(), '-n', '2', '--json', 'web', 'db']);
    expect(r.stdout.split('\n').map((l) => JSON.parse(l))).toEqual([
      { time: '2026-11-28T10:00:03.000Z', service: 'web', stream: 'stderr', line: 'three' },
      { time: '2026-11-28T10:00:04.000Z', service: 'db', stream: 'stdout', line: 'four' },
    ]);
  });

  it('with --since drops older lines; a bad --since, -n or service is one line and exit 100', async () => {
    const dir = services();
    const r = await svrun(['logs', '-d', dir, '--since', '2026-11-28T10:00:03Z', 'web'], { env: { NO_COLOR: '1' } });
    expect(r.stdout).toBe('2026-11-28 10:00:03.000 web | three');
    for (const [args, msg] of [
      [['--since', 'yesterday'], /--since wants a time .* got "yesterday"/],
      [['-n', 'ten'], /-n wants a number of lines, got "ten"/],
      [["nosuch"], /unable to find service nosuch: .*/],
    ] as const) {
      const bad = await svrun(['logs', '-d', dir, ...args]);
      expect(bad.exitCode).toBe(100);
      expect(bad.stderr).toMatch(new RegExp(`^svrun logs: usage: ${msg.source}$`));
    }
  });

  it('with -f prints new lines exactly once as they come, across several rotations, until TERM', async () => {
    const dir = makeTree(tempDir(), { 'svc/run': script('exec sleep 1000'), 'svc/log/main/config': 's400\nn0\n' });
    const logDir = join(dir, 'svc/log/main');
    const writer = startSvrun(['log', '-tt', logDir], { stdin: 'pipe' });
    writer.proc.stdin!.write('before\n');
    await pollUntil(() => { try { return readFileSync(join(logDir, 'current'), 'utf8').includes('before'); } catch { return false; } }, 10_000, 'the first line');
    const follow = startSvrun(['logs', '-f', '-d', dir], { env: { NO_COLOR: '1' } });
    await follow.waitFor('svc | before');
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i + 1}`);
    for (let i = 0; i < lines.length; i += 20) writer.proc.stdin!.write(`${lines.slice(i, i + 20).join('\n')}\n`);
    await follow.waitFor('svc | line 200');
    const got = follow.output().split('\n').filter((l) => / svc \| line /.test(l)).map((l) => l.replace(/^.* svc \| /, ''));
    expect(got).toEqual(lines);
    expect((await follow.stop('SIGTERM')).exitCode).toBe(0);
    writer.proc.stdin!.end();
    expect((await writer.stop('SIGCONT')).exitCode).toBe(0);
    expect(readdirSync(logDir).filter((n) => n.endsWith('.s')).length).toBeGreaterThan(5);
  });
});
