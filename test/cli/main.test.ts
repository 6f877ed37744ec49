import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { svrun } from '../helpers/proc.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('svrun CLI', () => {
  it('prints the package version with --version', async () => {
    const r = await svrun(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`svrun ${pkg.version}`);
  });

  it('exits 100 with one line on stderr for an unknown command', async () => {
    const r = await svrun(['frobnicate']);
    expect(r.exitCode).toBe(100);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/frobnicate/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
