// The expensive page's real work: aggregate a generated sales data set (hundreds of ms).

/** Totals per region and month over n generated orders; deterministic for a given seed. */
export interface Report { orders: number; regions: { region: string; total: number; months: number[] }[]; millis: number }

const REGIONS = ['north', 'south', 'east', 'west', 'central'];

/** Builds the report; rows defaults to REPORT_ROWS or 1.5 million. */
export function buildReport(rows = Number(process.env.REPORT_ROWS) || 1_500_000, seed = 42): Report {
  const t0 = performance.now();
  let x = seed >>> 0;
  // xorshift32: a fast, reproducible data set without storing it
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  const totals = REGIONS.map(() => new Array<number>(12).fill(0));
  for (let i = 0; i < rows; i++) {
    const r = next() % REGIONS.length;
    const m = next() % 12;
    const amount = (next() % 100_000) / 100;
    totals[r]![m]! += Math.round(amount * 1.2 * 100) / 100;
  }
  return {
    orders: rows,
    regions: REGIONS.map((region, i) => ({ region, total: Math.round(totals[i]!.reduce((a, b) => a + b, 0)), months: totals[i]!.map(Math.round) })),
    millis: Math.round(performance.now() - t0),
  };
}

/** The cache key of the report. */
export const REPORT_KEY = 'report:v1';
