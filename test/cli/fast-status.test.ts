import { describe, expect, it } from 'vitest';
import { plainStatus } from '../../src/cli/fast-status.js';

describe('plainStatus', () => {
  it('takes names, --json and -d DIR', () => {
    expect(plainStatus(['status', '--json', '-d', '/srv', 'web', 'db'])).toEqual({ names: ['web', 'db'], flags: { json: true, dir: '/srv' } });
    expect(plainStatus(['status', '--dir=/srv'])).toEqual({ names: [], flags: { dir: '/srv' } });
  });

  it('leaves help, unknown options and other commands to commander', () => {
    expect(plainStatus(['status', '--help'])).toBeNull();
    expect(plainStatus(['status', '-x', 'web'])).toBeNull();
    expect(plainStatus(['status', '-d'])).toBeNull();
    expect(plainStatus(['up', 'web'])).toBeNull();
    expect(plainStatus([])).toBeNull();
  });
});
