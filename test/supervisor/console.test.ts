// The developer's console: service lines behind a time and an aligned, coloured name on a
// terminal (a pseudo-terminal from `script -q`), plain without one or with NO_COLOR.
import { describe, expect, it } from 'vitest';
import { script } from '../helpers/fs.js';
import { SVRUN, pollUntil, start } from '../helpers/proc.js';
import { servicesDir } from './harness.js';

const ESC = '\x1b[';

function tree() {
  return servicesDir({
    'web/run': script('echo hello from web\necho oops >&2\nexec sleep 1000'),
    'db/run': script('echo hi db\nexec sleep 1000'),
  });
}

// The test runner's env without colour settings, plus env.
function colourEnv(env: Record<string, string>) {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...rest } = process.env;
  return { env: { ...rest, ...env }, extendEnv: false };
}

// `svrun up DIR ARGS` on a pseudo-terminal; TERM to script ends the session (svrun gets HUP).
// `exec`, so no $SHELL stays in the terminal's foreground group beside svrun.
function onTerminal(dir: string, args: string[] = [], env: Record<string, string> = {}) {
  const cmd = 'exec ' + [process.execPath, SVRUN, 'up', dir, ...args].map((w) => `'${w}'`).join(' ');
  return start('script', ['-qfec', cmd, '/dev/null'], colourEnv(env));
}

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r/g, '');

describe('the console of svrun up', () => {
  it('on a terminal prints every line behind a time and an aligned, coloured name, and svrun events in cyan', async () => {
    const u = onTerminal(tree());
    // stdout and stderr of a service are two pipes: wait for both lines, in whatever order.
    await u.waitUntil((o) => /supervising 2 service/.test(o) && /web \|.*oops/.test(plain(o)) && /web \| hello from web/.test(plain(o)) && /db  \|/.test(plain(o)), 'both services and the up event');
    const out = u.output();
    const lines = plain(out).split('\n');
    expect(lines).toContain(lines.find((l) => /^\d\d:\d\d:\d\d web \| hello from web$/.test(l)));
    expect(lines.some((l) => /^\d\d:\d\d:\d\d db  \| hi db$/.test(l))).toBe(true);
    expect(out).toMatch(/\x1b\[3[2-6]mweb \|\x1b\[39m /);
    expect(out).toContain(`${ESC}2moops${ESC}22m`); // stderr dimmed
    expect(out).toMatch(/\x1b\[36m\d\d:\d\d:\d\d svrun: supervising 2 service/);
    await u.stop();
  });

  it('with NO_COLOR on a terminal prints the same prefixes without any colour code', async () => {
    const u = onTerminal(tree(), [], { NO_COLOR: '1' });
    await u.waitUntil((o) => /supervising 2 service/.test(o) && /web \| oops/.test(o) && /db  \| hi db/.test(o), 'both services');
    expect(u.output()).not.toContain(ESC);
    await u.stop();
  });

  it('with --quiet on a terminal prints svrun events but no service line', async () => {
    const u = onTerminal(tree(), ['--quiet']);
    await u.waitFor(/supervising 2 service/);
    await u.waitFor(/svrun web: started/);
    expect(plain(u.output())).not.toMatch(/ \| /);
    await u.stop();
  });

  it('without a terminal prints no colour codes (--console), and no service lines without --console', async () => {
    const dir = tree();
    const u = start(process.execPath, [SVRUN, 'up', dir, '--console'], colourEnv({}));
    await u.waitUntil((o) => /web \| oops/.test(o) && /db  \| hi db/.test(o), 'both services');
    expect(u.output()).not.toContain(ESC);
    await u.stop();
    const q = start(process.execPath, [SVRUN, 'up', dir], colourEnv({}));
    await q.waitFor(/"event":"up"/);
    await q.waitFor(/"event":"started".*"service":"web"|"service":"web".*"event":"started"/);
    expect(q.output()).not.toMatch(/ \| /);
    await q.stop();
  });

  it('never interleaves two services mid-line, even with lines longer than a pipe read', async () => {
    const line = (c: string) => `${c.repeat(70_000)}`;
    const dir = servicesDir({
      'aa/run': script(`i=0; while [ $i -lt 5 ]; do echo ${line('a')}; i=$((i+1)); done; exec sleep 1000`),
      'bb/run': script(`i=0; while [ $i -lt 5 ]; do echo ${line('b')}; i=$((i+1)); done; exec sleep 1000`),
    });
    const u = start(process.execPath, [SVRUN, 'up', dir, '--console'], colourEnv({}));
    let stdout = ''; // alone: the combined output mixes in stderr's events
    u.proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    // whole lines only: the last piece of stdout may be a line still arriving
    const count = (re: RegExp) => stdout.slice(0, stdout.lastIndexOf('\n') + 1).split('\n').filter((l) => re.test(l)).length;
    // polled: u.waitUntil re-checks on the combined output, which may arrive before stdout's
    // own 'data' has run, and then nothing more comes to trigger another look
    await pollUntil(() => count(/^\d\d:\d\d:\d\d aa \| a+$/) + count(/^\d\d:\d\d:\d\d bb \| b+$/) >= 10 || null, 30_000, '10 whole lines');
    const serviceLines = stdout.split('\n').filter(Boolean);
    expect(serviceLines).toHaveLength(10);
    for (const l of serviceLines) expect(l).toMatch(/^\d\d:\d\d:\d\d (aa \| a{70000}|bb \| b{70000})$/);
    await u.stop();
  });
});
