import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTree, script, tempDir } from '../helpers/fs.js';
import { pollUntil } from '../helpers/proc.js';
import { decodeStatus, encodeStatus, formatStat, type StatusRecord } from '../../src/supervise/status.js';
import { readStat, startRunsv, writeControl } from './runsv.js';

// runsv renames pid, stat, then status: wait until stat and status both show the new state.
async function settled(dir: string, expected: string, done: (rec: StatusRecord) => boolean) {
  return pollUntil(() => {
    const raw = readFileSync(join(dir, 'supervise/status'));
    const rec = decodeStatus(raw);
    const stat = readStat(dir);
    return stat === expected && done(rec) ? { raw, rec, stat, pid: readFileSync(join(dir, 'supervise/pid'), 'utf8') } : undefined;
  }, 10_000, `stat = ${JSON.stringify(expected)}`);
}

describe('the status files real runsv writes', () => {
  it('decode to run, paused and down records that re-encode byte for byte and format to the same stat', async () => {
    const dir = makeTree(tempDir(), { svc: { dir: true }, 'svc/run': script('exec sleep 1000') });
    const svc = join(dir, 'svc');
    await startRunsv(svc);

    const up = await settled(svc, 'run\n', (r) => r.state === 'run');
    expect(up.rec).toMatchObject({ state: 'run', want: 'u', paused: false, term: false });
    expect(up.pid).toBe(`${up.rec.pid}\n`);
    expect(up.rec.pid).toBeGreaterThan(0);
    expect(Math.abs(up.rec.stamp.sec - Date.now() / 1000)).toBeLessThan(30);
    expect(encodeStatus(up.rec)).toEqual(up.raw);
    expect(formatStat(up.rec, false)).toBe(up.stat);

    writeControl(svc, 'p');
    const paused = await settled(svc, 'run, paused\n', (r) => r.paused);
    expect(paused.rec).toMatchObject({ state: 'run', paused: true, pid: up.rec.pid });
    expect(encodeStatus(paused.rec)).toEqual(paused.raw);
    expect(formatStat(paused.rec, false)).toBe(paused.stat);

    writeControl(svc, 'cd');
    const down = await settled(svc, 'down\n', (r) => r.state === 'down');
    expect(down.rec).toMatchObject({ state: 'down', want: 'd', pid: 0, term: false });
    expect(down.pid).toBe('');
    expect(encodeStatus(down.rec)).toEqual(down.raw);
    expect(formatStat(down.rec, false)).toBe(down.stat);
  });
});
