// Service.open then listen: control and ok are checked at open (a regular file in their place
// is refused before anything starts) and made by listen; a service closed before its listen
// finished holds nothing open afterwards (a stop during a bring-up); and no log line of a
// booting service comes before its settle(), which follows listen, not even that of a run that
// exited meanwhile.
import { closeSync, constants, existsSync, openSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/supervisor/config.js';
import { Service } from '../../src/supervisor/service.js';
import { tempDir } from '../helpers/fs.js';
import { pollUntil } from '../helpers/proc.js';

const service = (dir: string, lines: string[] = []) => new Service({
  name: 'svc', dir, config: defaultConfig, env: {}, io: { sink: { write: () => true, onDrain: (cb) => cb() }, fifos: [] },
  log: pino({ base: null, timestamp: false }, { write: (l: string) => void lines.push(JSON.parse(l).event) }),
});

// Whether a reader holds the FIFO open: O_WRONLY|O_NONBLOCK fails with ENXIO when none does.
function held(path: string): boolean {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO') return false;
    throw err;
  }
}

describe('Service open and listen', () => {
  it('makes control and ok at listen, not at open, and holds ok open until close', async () => {
    const dir = tempDir();
    const s = service(dir);
    await s.open();
    expect(existsSync(join(dir, 'supervise/ok'))).toBe(false);
    await s.listen();
    expect(held(join(dir, 'supervise/ok'))).toBe(true);
    s.close();
    expect(held(join(dir, 'supervise/ok'))).toBe(false);
  });

  it('refuses a regular file in place of control at open', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'supervise'));
    writeFileSync(join(dir, 'supervise/control'), '');
    await expect(service(dir).open()).rejects.toThrow(`${join(dir, 'supervise/control')} exists but is not a FIFO; remove it so svrun can create it`);
  });

  it('holds nothing open when closed while listen was making the FIFOs', async () => {
    const dir = tempDir();
    const s = service(dir);
    await s.open();
    const listening = s.listen();
    s.close();
    await listening;
    expect(held(join(dir, 'supervise/ok'))).toBe(false);
  });

  it('logs nothing of a booting service until settle, though its run exited meanwhile', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'run'), '#!/bin/sh\nexit 7\n', { mode: 0o755 });
    const lines: string[] = [];
    const s = service(dir, lines);
    await s.open();
    s.startBoot();
    await pollUntil(() => s.state.lastExit, 5000, 'the exit of run');
    expect(lines).toEqual([]);
    await s.listen();
    s.settle();
    await s.written();
    expect(lines).toEqual(['started', 'exited', 'backoff']);
    s.close();
  });
});
