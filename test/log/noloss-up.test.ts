// No loss under a real `svrun up`: the service floods numbered lines through the log pipe
// into `svrun log ./main` (no timestamps) while it is restarted and its logger SIGKILLed.
// A kill lands while the producer is stopped (`sv pause`) and the logger has read everything:
// then nothing is in flight, and exactly-once is the claim. (A kill mid-read can lose the one
// chunk being handled, as svlogd can: see noloss.test.ts.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { script } from '../helpers/fs.js';
import { SVRUN, pollUntil } from '../helpers/proc.js';
import { servicesDir, sv, upReady } from '../supervisor/harness.js';

const N = 200_000;

// Writes lines `1`…`N` in batches, recording in `next` where the next start goes on; a TERM
// ends it between batches. Done, it idles.
const PRODUCER = `
const fs = require('node:fs');
const N = ${N};
let next = fs.existsSync('next') ? Number(fs.readFileSync('next', 'utf8')) : 1;
// JS runs one batch (write, then record) at a time: the handler comes between two
process.on('SIGTERM', () => process.exit(0));
function batch() {
  if (next > N) return setInterval(() => {}, 1 << 30);
  let s = '';
  const end = Math.min(next + 300, N + 1);
  for (let i = next; i < end; i++) s += i + '\\n';
  const b = Buffer.from(s);
  for (let off = 0; off < b.length; ) off += fs.writeSync(1, b, off);
  next = end;
  fs.writeFileSync('next.tmp', String(next));
  fs.renameSync('next.tmp', 'next');
  setImmediate(batch);
}
batch();
`;

function logText(dir: string): string {
  const names = readdirSync(dir).filter((n) => n.startsWith('@')).sort().concat('current');
  return names.map((n) => { try { return readFileSync(join(dir, n), 'latin1'); } catch { return ''; } }).join('');
}

function pidOf(statusLine: string): number {
  const m = /\(pid (\d+)\)/.exec(statusLine);
  return m ? Number(m[1]) : 0;
}

function procState(pid: number): string {
  try {
    return /\) (\w) /.exec(readFileSync(`/proc/${pid}/stat`, 'latin1'))?.[1] ?? '';
  } catch {
    return '';
  }
}

describe('the log pipe under svrun up', () => {
  it('keeps every one of 200,000 lines exactly once, in order, across 3 restarts of run and 2 SIGKILLs of svrun log', async () => {
    const dir = servicesDir({
      'svc/run': script(`exec "${process.execPath}" ./producer.cjs`),
      'svc/producer.cjs': PRODUCER,
      'svc/log/run': script(`exec "${process.execPath}" "${SVRUN}" log ./main`),
      'svc/log/main/config': 's300000\nn0\n',
    });
    const svc = join(dir, 'svc');
    const main = join(svc, 'log/main');
    const next = () => { try { return Number(readFileSync(join(svc, 'next'), 'utf8')); } catch { return 1; } };
    const u = await upReady(dir);
    const at = async (line: number) => pollUntil(() => next() >= line, 60_000, `the producer to pass line ${line}`);

    const killLogger = async () => {
      expect((await sv(['pause', svc])).exitCode).toBe(0);
      const statusLines = [(await sv(['status', svc])).stdout, (await sv(['status', join(svc, 'log')])).stdout];
      const [producer, logger] = statusLines.map(pidOf) as [number, number];
      let last = -1;
      let seen = '';
      // idle: the producer stopped, the logger asleep and its files unchanged since the last look
      await pollUntil(() => {
        const size = logText(main).length;
        seen = `producer ${producer} ${procState(producer)}, logger ${logger} ${procState(logger)}, ${size} bytes`;
        const idle = procState(producer) === 'T' && procState(logger) === 'S' && size === last;
        last = size;
        return idle;
      }, 20_000, 'the logger to read everything').catch(async (err: Error) => {
        await sv(['cont', svc]); // a stopped producer would hold up svrun's stop
        throw new Error(`${err.message} (${seen}; sv status said: ${statusLines.join(' | ').replaceAll('\n', ' ')})`);
      });
      expect((await sv(['kill', join(svc, 'log')])).exitCode).toBe(0);
      await pollUntil(async () => { const p = pidOf((await sv(['status', join(svc, 'log')])).stdout); return p && p !== logger; }, 20_000, 'a new logger');
      expect((await sv(['cont', svc])).exitCode).toBe(0);
    };

    await at(20_000);
    await sv(['restart', svc]);
    await at(50_000);
    await killLogger();
    await at(90_000);
    await sv(['restart', svc]);
    await at(120_000);
    await killLogger();
    await at(160_000);
    await sv(['restart', svc]);
    await at(N + 1);
    const want = Array.from({ length: N }, (_, i) => `${i + 1}\n`).join('');
    await pollUntil(() => logText(main).length >= want.length, 30_000, 'every line in the files');
    expect(logText(main) === want).toBe(true);
    expect(readdirSync(main).filter((n) => n.endsWith('.u')).length).toBeGreaterThanOrEqual(1);
    await u.waitEvent('started', 'svc', 4); // the last restart may find the producer done already
    await u.stop();
  }, 120_000);
});
