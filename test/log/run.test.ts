// runLog's signals, with the process replaced by an emitter: no signal may be lost.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runLog } from '../../src/log/run.js';
import { tempDir } from '../helpers/fs.js';

describe('runLog', () => {
  it('ends on a TERM that came while its directories were still opening, writing what it had read', async () => {
    const dir = tempDir();
    const stdin = new PassThrough();
    const signals = new EventEmitter();
    const warnings: string[] = [];
    const done = runLog([dir], {}, { stdin, signals, warn: (m) => void warnings.push(m) });
    stdin.write('one\n');
    signals.emit('SIGTERM', 'SIGTERM'); // before any of runLog's awaits has settled
    expect(await done).toBe(0);
    expect(readFileSync(join(dir, 'current'), 'utf8')).toBe('one\n');
    expect(warnings).toEqual([]);
  });
});
