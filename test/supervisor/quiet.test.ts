// whenQuiet: runs its callback after the first quiet window, or after its tries in any case.
import { describe, expect, it } from 'vitest';
import { whenQuiet, type Later } from '../../src/supervisor/quiet.js';

// A Later that queues callbacks, run one by one by the test: windows without timers.
function steps() {
  const queue: { fn: () => void; ms: number }[] = [];
  const later: Later = (fn, ms) => void queue.push({ fn, ms });
  return { queue, later, next: () => queue.shift()!.fn() };
}

describe('whenQuiet', () => {
  it('runs once a window is quiet, not before, and schedules nothing after', () => {
    const s = steps();
    const busy = [0.9, 0.5, 0.05];
    let ran = 0;
    whenQuiet(() => ran++, { busy: () => busy.shift()!, later: s.later, windowMs: 30 });
    expect(s.queue.map((q) => q.ms)).toEqual([30]);
    s.next();
    s.next();
    expect(ran).toBe(0);
    s.next();
    expect(ran).toBe(1);
    expect(s.queue).toHaveLength(0);
  });

  it('runs after its tries when the loop never quiets', () => {
    const s = steps();
    let ran = 0;
    let windows = 0;
    whenQuiet(() => ran++, { busy: () => (windows++, 1), later: s.later, tries: 3 });
    while (s.queue.length > 0) s.next();
    expect(ran).toBe(1);
    expect(windows).toBe(4);
  });

  it('measures the real event loop: a busy window is not quiet', async () => {
    const { loopUtilization } = await import('../../src/supervisor/quiet.js');
    const busy = loopUtilization();
    const until = performance.now() + 30;
    while (performance.now() < until); // the loop is held for the whole window
    expect(busy()).toBeGreaterThan(0.5);
  });
});
