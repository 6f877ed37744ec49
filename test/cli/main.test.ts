import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { SVRUN, svrun } from '../helpers/proc.js';

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

  // The entry is CommonJS and require()s the ES modules; where a Node cannot (22.0-22.11, or
  // with require(esm) turned off) it must fall back to import(), with the same result.
  it('runs where require() of ES modules is off', async () => {
    const r = await execa(process.execPath, ['--no-experimental-require-module', SVRUN, '--version'], { reject: false, timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`svrun ${pkg.version}`);
  });
});
