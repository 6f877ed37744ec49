import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/wrap/command.js';
import { resolveIds } from '../../src/wrap/chpst/ids.js';
import { parseHardLimits } from '../../src/wrap/chpst/limits.js';
import { parseChpstArgs } from '../../src/wrap/chpst/options.js';
import { withChpst } from '../../src/wrap/chpst/transform.js';
import { DEFAULT_TOOLS as T } from '../../src/wrap/chpst/tools.js';

const base: Command = { file: 'prog', args: ['a'], env: { PATH: '/bin', KEEP: '1', DROP: 'x' } };
const chpst = (argv: string[], inputs = {}) => withChpst(base, parseChpstArgs([...argv, 'prog', 'a']), inputs);

describe('withChpst', () => {
  it('returns prog unchanged when no option needs a tool', () => {
    expect(chpst(['-v'])).toEqual(base);
  });

  it('applies the env dir patch, then -U, into env only', () => {
    const out = chpst(['-e', 'd', '-U', 'u'], {
      envPatch: { NEW: 'n', DROP: null, UID: 'from-env-dir' },
      envUser: { uid: 65534, gid: 1, groups: [1] },
    });
    expect(out.env).toEqual({ PATH: '/bin', KEEP: '1', NEW: 'n', UID: '65534', GID: '1' });
    expect(out.file).toBe('prog');
    expect(base.env.DROP).toBe('x');
  });

  it('uses setpriv with the supplementary groups for -u', () => {
    const out = chpst(['-u', 'x'], { user: { uid: 65534, gid: 65534, groups: [65534, 1] } });
    expect([out.file, ...out.args]).toEqual([T.setpriv, '--reuid', '65534', '--regid', '65534', '--groups', '65534,1', '--', 'prog', 'a']);
  });

  it('sets soft limits only with prlimit, clamped to the hard limit', () => {
    const out = chpst(['-o', '99999', '-t', '5'], { hardLimits: { nofile: 1024, cpu: Infinity } });
    expect([out.file, ...out.args]).toEqual([T.prlimit, '--nofile=1024:', '--cpu=5:', '--', 'prog', 'a']);
  });

  it('stacks setsid, prlimit, setpriv in chpst order with each tool only once', () => {
    const out = chpst(['-P', '-c', '0', '-u', 'x'], { user: { uid: 1, gid: 2, groups: [2] } });
    expect([out.file, ...out.args]).toEqual([T.setsid, T.prlimit, '--core=0:', '--', T.setpriv, '--reuid', '1', '--regid', '2', '--groups', '2', '--', 'prog', 'a']);
  });

  it('passes -b as spawn argv0 when prog is run directly', () => {
    expect(chpst(['-b', 'name'])).toMatchObject({ file: 'prog', argv0: 'name' });
  });

  it('hands -b to bash exec -a when a tool runs prog', () => {
    const out = chpst(['-b', 'name', '-P']);
    expect(out.argv0).toBeUndefined();
    expect(out.args.slice(0, 2)).toEqual([T.bash, '-c']);
    expect(out.args.slice(3)).toEqual(['svrun-chpst', 'name', 'prog', 'a']);
  });

  it('takes -L in a shell step that fails with exit 111 rather than waiting', () => {
    const out = chpst(['-L', 'lk']);
    expect(out.file).toBe(T.sh);
    expect(out.args[1]).toContain(`${T.flock} -n 3`);
    expect(out.args[1]).toContain('exit 111');
    expect(out.args.slice(2)).toEqual(['svrun-chpst', 'lk', 'prog', 'a']);
  });

  it('waits for -l in flock -F, which execs prog holding the lock', () => {
    const out = chpst(['-l', 'lk']);
    expect(out.args[1]).toContain(`exec ${T.flock} -F "$lock" "$@"`);
  });

  it('chroots last, doing -u there, and takes the lock file inside the new root', () => {
    const out = chpst(['-/', '/r', '-u', 'x', '-L', 'lk'], { user: { uid: 1, gid: 2, groups: [2, 3] } });
    expect(out.args.slice(2)).toEqual(['svrun-chpst', '/r/lk', T.chroot, '--userspec=1:2', '--groups=2,3', '/r', 'prog', 'a']);
    expect(out.args).not.toContain(T.setpriv);
  });

  it('closes the std fds asked for on the final exec', () => {
    expect(chpst(['-0', '-2']).args[1]).toMatch(/exec "\$@" 0<&- 2>&-$/);
  });

  it('sets cwd for -C', () => {
    expect(chpst(['-C', '/tmp']).cwd).toBe('/tmp');
  });

  it('refuses -b and -C together with -/ as usage errors', () => {
    expect(() => chpst(['-/', '/r', '-b', 'n'])).toThrow(/-b cannot be combined with -\//);
    expect(() => chpst(['-/', '/r', '-C', '/d'])).toThrow(/-C cannot be combined with -\//);
  });
});

describe('resolveIds', () => {
  const passwd = 'root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n';
  const group = 'root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n';

  it('gives a user alone its primary gid as the only group', () => {
    expect(resolveIds('nobody', passwd, group)).toEqual({ uid: 65534, gid: 65534, groups: [65534] });
  });

  it('makes the first named group the gid and all of them the groups', () => {
    expect(resolveIds('nobody:daemon:nogroup', passwd, group)).toEqual({ uid: 65534, gid: 1, groups: [1, 65534] });
  });

  it('reads a leading colon as numeric ids', () => {
    expect(resolveIds(':1234:5678:91', '', '')).toEqual({ uid: 1234, gid: 5678, groups: [5678, 91] });
  });

  it('says which spec is unknown, as chpst does', () => {
    expect(() => resolveIds('nosuch', passwd, group)).toThrow('unknown user/group: nosuch');
    expect(() => resolveIds('nobody:nosuch', passwd, group)).toThrow('unknown user/group: nobody:nosuch');
    expect(() => resolveIds(':1234', '', '')).toThrow('invalid uid/gids: 1234');
  });
});

describe('parseHardLimits', () => {
  it('reads the hard column of /proc/self/limits, unlimited as Infinity', () => {
    const text = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max cpu time              unlimited            unlimited            seconds   ',
      'Max open files            1024                 4096                 files     ',
      'Max locked memory         8388608              8388608              bytes     ',
    ].join('\n');
    expect(parseHardLimits(text)).toEqual({ cpu: Infinity, nofile: 4096, memlock: 8388608 });
  });
});
