import { describe, expect, it } from 'vitest';
import { gathering } from '../../src/supervisor/unit.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

// Lets every queued promise job run.
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('gathering', () => {
  it('lets no unit on until every read has settled, a failed read included', async () => {
    const together = gathering(3);
    const reads = [deferred(), deferred(), deferred()];
    const passed: number[] = [];
    const waits = reads.map((d, i) => together(d.promise).then(() => { passed.push(i); }));
    reads[0]!.resolve();
    await settle();
    reads[2]!.reject(new Error('bad env'));
    await settle();
    expect(passed).toEqual([]);
    reads[1]!.resolve();
    await Promise.all(waits);
    expect(passed.sort()).toEqual([0, 1, 2]);
  });

  it('lets a lone unit on at once', async () => {
    const together = gathering(1);
    await expect(together(Promise.resolve())).resolves.toBeUndefined();
  });
});
