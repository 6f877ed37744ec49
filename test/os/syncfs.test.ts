// under: dir/name without path.join's second normalization, root included.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { under } from '../../src/os/syncfs.js';

describe('under', () => {
  it('joins a normalized absolute dir and a name as path.join does', () => {
    for (const [dir, name] of [['/srv/services', 'web'], ['/', 'web'], ['/srv/services/web', 'supervise/ok'], ['/a', 'instances/2']] as const) {
      expect(under(dir, name)).toBe(join(dir, name));
    }
  });
});
