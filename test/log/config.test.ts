import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../../src/log/config.js';

describe('parseConfig', () => {
  it('gives svlogd defaults for an empty file', () => {
    expect(parseConfig('').config).toEqual(defaultConfig());
    expect(defaultConfig()).toMatchObject({ sizeMax: 1_000_000, nMax: 10, nMin: 10, tMax: 0 });
  });

  it('reads sizes with k and m suffixes and times with m and h suffixes', () => {
    const { config, warnings } = parseConfig('s1k\nn3\nN1\nt2m\n');
    expect(config).toMatchObject({ sizeMax: 1024, nMax: 3, nMin: 1, tMax: 120 });
    expect(warnings).toEqual([]);
    expect(parseConfig('s2m').config.sizeMax).toBe(2 * 1024 * 1024);
    expect(parseConfig('t1h').config.tMax).toBe(3600);
    expect(parseConfig('s0').config.sizeMax).toBe(0);
  });

  it('keeps patterns in order with their kind, and skips comments and empty lines', () => {
    const { config } = parseConfig('# comment\n\n-*pid*\n+*: warn*\ne*error*\nE*\n');
    expect(config.rules.map((r) => [r.kind, r.pattern.toString()])).toEqual([
      ['-', '*pid*'], ['+', '*: warn*'], ['e', '*error*'], ['E', '*'],
    ]);
  });

  it('reads the prefix and processor verbatim, later lines winning', () => {
    const { config } = parseConfig('pweb: \np[app] \n!gzip -c\n');
    expect(config.prefix.toString()).toBe('[app] ');
    expect(config.processor).toBe('gzip -c');
  });

  it('warns about a bad number naming the file and line, and keeps the default', () => {
    const { config, warnings } = parseConfig('sbig\nn3', 'log/config');
    expect(config.sizeMax).toBe(1_000_000);
    expect(config.nMax).toBe(3);
    expect(warnings).toEqual(['log/config: line 1: ignoring bad setting "sbig": want s and a number']);
  });

  it('reports UDP lines as unsupported instead of failing', () => {
    const { warnings } = parseConfig('u127.0.0.1:514\nU10.0.0.1');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/UDP logging is not supported/);
  });
});
