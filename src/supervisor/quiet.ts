// Waiting for a quiet moment in svrun's own event loop, for work that can wait but should
// not land in the middle of a burst: the compacting GC after bring-up costs 10-20 ms of the
// main thread, which a service flooding its log from its first moment would wait for.
import { performance } from 'node:perf_hooks';

/** How busy the event loop was since the previous call, 0..1. */
export type Utilization = () => number;

/** Schedules a callback after ms; the real one is an unref'd setTimeout. */
export type Later = (fn: () => void, ms: number) => void;

/** A Utilization from perf_hooks' event-loop utilization, one window per call. */
export function loopUtilization(): Utilization {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    return busy;
  };
}

const unrefLater: Later = (fn, ms) => void setTimeout(fn, ms).unref();

/**
 * Runs fn once a window of windowMs used less than `under` of the loop, or after `tries`
 * windows in any case: a burst that lasts is no reason to skip fn. One timer at a time, none
 * once fn has run.
 */
export function whenQuiet(fn: () => void, opts: { windowMs?: number; under?: number; tries?: number; busy?: Utilization; later?: Later } = {}): void {
  const { windowMs = 50, under = 0.1, tries = 40, busy = loopUtilization(), later = unrefLater } = opts;
  let left = tries;
  const check = () => {
    if (busy() < under || left-- <= 0) fn();
    else later(check, windowMs);
  };
  later(check, windowMs);
}
