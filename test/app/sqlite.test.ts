import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const OPEN = new URL('../../dist/app/sqlite.js', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'svrun-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// web and worker open the same new file at the same moment; before the WAL switch was retried,
// one of the two failed with "database is locked" in about one pair in seven.
describe('openSqlite', () => {
  it('lets two processes create the same file at once', async () => {
    const script = `const { openSqlite } = await import(${JSON.stringify(OPEN)});
openSqlite(process.argv[1], 'CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)').close();`;
    const failures: string[] = [];
    for (let i = 0; i < 30; i++) {
      const file = join(dir, `db${i}.sqlite`);
      const pair = await Promise.all([0, 1].map(() => execa(process.execPath, ['--input-type=module', '-e', script, file], { reject: false, timeout: 20_000 })));
      for (const r of pair) if (r.exitCode !== 0) failures.push(r.stderr.split('\n').find((l) => /Error/.test(l)) ?? r.stderr);
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
