// Counters and summaries in Prometheus text format; no client library needed for this few.
const counters = new Map<string, number>();
const samples = new Map<string, number[]>();
const gauges = new Map<string, () => Promise<number>>();
const help = new Map<string, string>();

/** Adds n to a counter; labels are part of the series name. */
export function inc(name: string, labels: Record<string, string> = {}, n = 1): void {
  const key = series(name, labels);
  counters.set(key, (counters.get(key) ?? 0) + n);
}

/** Records a duration in seconds; quantiles are computed over the last 1024 values. */
export function observe(name: string, labels: Record<string, string>, seconds: number): void {
  const key = series(name, labels);
  const list = samples.get(key) ?? [];
  list.push(seconds);
  if (list.length > 1024) list.shift();
  samples.set(key, list);
  inc(`${name}_count`, labels);
  inc(`${name}_sum`, labels, seconds);
}

/** Registers a gauge read at scrape time (queue depth). */
export function gauge(name: string, text: string, read: () => Promise<number>): void {
  gauges.set(name, read);
  help.set(name, text);
}

/** The whole registry as Prometheus text exposition. */
export async function render(): Promise<string> {
  const lines: string[] = [];
  for (const [key, v] of counters) lines.push(`${key} ${v}`);
  for (const [key, list] of samples) {
    const sorted = [...list].sort((a, b) => a - b);
    for (const q of [0.5, 0.99]) {
      const v = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      lines.push(withLabel(key, 'quantile', String(q)) + ` ${v}`);
    }
  }
  for (const [name, read] of gauges) {
    lines.push(`# HELP ${name} ${help.get(name)}`, `# TYPE ${name} gauge`);
    try { lines.push(`${name} ${await read()}`); } catch { /* backend down: no sample */ }
  }
  return `${lines.join('\n')}\n`;
}

function series(name: string, labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

function withLabel(key: string, k: string, v: string): string {
  return key.includes('{') ? key.replace('}', `,${k}="${v}"}`) : `${key}{${k}="${v}"}`;
}

// performance.timeOrigin is read at process start apart from the monotonic clock and can be
// milliseconds off under load, so web's and the worker's stamps would disagree. The monotonic
// clock is anchored to the wall clock here instead, at the instant Date.now() turns to a new
// millisecond (at most 1 ms of spinning, once per process): exact to a few microseconds.
const EPOCH_AT_ZERO = (() => {
  const start = Date.now();
  let wall = start;
  let mono = 0;
  while (wall === start) {
    mono = performance.now();
    wall = Date.now();
  }
  return wall - mono;
})();

/** Wall-clock epoch milliseconds with sub-millisecond resolution (Date.now() has 1 ms), comparable across processes. */
export function wallClockMs(): number {
  // The wall clock itself moves against the monotonic one (by up to a millisecond within
  // seconds on this kvm-clock VM), so the fine value is kept inside the millisecond Date.now()
  // reports: stamps of two processes then never disagree more than the wall clock does.
  const now = Date.now();
  const fine = EPOCH_AT_ZERO + performance.now();
  return fine < now ? now : fine >= now + 1 ? now + 0.999 : fine;
}
