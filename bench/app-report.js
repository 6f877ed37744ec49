// Statistics and output of the app benchmark: quantiles, the Markdown table, the SVG bar chart.

/** The q-quantile (nearest rank) of xs; NaN for an empty list. */
export function quantile(xs, q) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** The median of xs. */
export const median = (xs) => quantile(xs, 0.5);

/** p50 and p99 of every repetition, then the median of each over the repetitions; also the pooled values. */
export function summarize(reps) {
  const pooled = reps.flat();
  return {
    n: pooled.length,
    p50: median(reps.map((r) => quantile(r, 0.5))),
    p99: median(reps.map((r) => quantile(r, 0.99))),
    pooledP99: quantile(pooled, 0.99),
    max: Math.max(...pooled),
    mean: pooled.reduce((a, b) => a + b, 0) / pooled.length,
  };
}

/** A duration in ms with sensible digits. */
export function ms(v) {
  if (!Number.isFinite(v)) return '–';
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

/** "12×" style ratio of reference over ours (how many times faster). */
function ratio(ref, ours) {
  if (!Number.isFinite(ref) || !Number.isFinite(ours) || ours <= 0) return '–';
  const r = ref / ours;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}×`;
}

const met = (v, target) => (Number.isFinite(v) ? (v <= target ? 'yes' : '**no**') : '–');

/**
 * The results as Markdown. rows: { metric, ref?: [lo, hi] ms, p50, p99, target?: { of: 'p50'|'p99', ms }, note? }.
 * The ratio is the reference range over our p50 (lo/ours–hi/ours).
 */
export function markdown({ title, meta, rows, pages, notes }) {
  const out = [`# ${title}`, '', ...meta.map((m) => `- ${m}`), '', '## Tasks: apply and applyAsync of a no-op task', '',
    '| Measurement | Issue\'s reference | Ours p50 (ms) | Ours p99 (ms) | Faster than the reference | Target | Met |',
    '|---|---|---:|---:|---:|---|---|'];
  for (const r of rows) {
    const refText = r.ref ? `${r.ref[0]}–${r.ref[1]} ms` : '';
    const x = r.ref ? `${ratio(r.ref[0], r.p50)}–${ratio(r.ref[1], r.p50)}` : '';
    const targets = (r.targets ?? []).map((t) => `${t.of} ≤ ${t.ms} ms`).join(', ');
    const ok = (r.targets ?? []).map((t) => met(t.of === 'p99' ? r.p99 : r.p50, t.ms)).join(', ');
    out.push(`| ${r.metric} | ${refText} | ${ms(r.p50)} | ${ms(r.p99)} | ${x} | ${targets} | ${ok} |`);
  }
  out.push('', '## The expensive page behind 3 web instances (round-robin client: from a cold start, then warm)', '',
    '| Cache | Hit rate | p50 all (ms) | p50 misses (ms) | Mean (ms) | Mean saved vs uncached | Warm hits p50 (ms) | Warm hits p99 (ms) | Warm hits p50 in web (ms) | Target (cached p50 ≤ 2 ms) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  const base = pages.find((p) => p.cache === 'none')?.mean;
  for (const p of pages) {
    const saved = p.cache === 'none' || !Number.isFinite(base) ? '' : `${ms(base - p.mean)} ms (${((1 - p.mean / base) * 100).toFixed(0)}%)`;
    out.push(`| ${p.label} | ${(p.hitRate * 100).toFixed(1)}% | ${ms(p.p50)} | ${ms(p.missP50)} | ${ms(p.mean)} | ${saved} | ${ms(p.warmP50)} | ${ms(p.warmP99)} | ${ms(p.warmServerP50)} | ${p.cache === 'none' ? '' : met(p.warmP50, 2)} |`);
  }
  out.push('', ...notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

const escXml = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A horizontal bar chart on a log scale: bars { group, label, value, kind: 'ref'|'ours'|'target' }.
 * Plain SVG text, no library.
 */
export function svgChart({ title, bars, min = 0.01, max = 10_000 }) {
  const left = 330, width = 520, barH = 14, gap = 4, groupGap = 16, top = 48;
  const x = (v) => left + (Math.log10(Math.min(Math.max(v, min), max) / min) / Math.log10(max / min)) * width;
  const colors = { ref: '#c0504d', ours: '#4f81bd', target: '#9bbb59' };
  const parts = [];
  let y = top;
  let group;
  for (const b of bars) {
    if (b.group !== group) {
      if (group !== undefined) y += groupGap;
      group = b.group;
      parts.push(`<text x="8" y="${y + 10}" font-weight="bold">${escXml(group)}</text>`);
      y += barH + gap;
    }
    parts.push(`<text x="${left - 6}" y="${y + barH - 3}" text-anchor="end">${escXml(b.label)}</text>`);
    if (Number.isFinite(b.value)) {
      parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(b.value) - left).toFixed(1)}" height="${barH}" fill="${colors[b.kind]}"/>`);
      parts.push(`<text x="${(x(b.value) + 4).toFixed(1)}" y="${y + barH - 3}">${escXml(ms(b.value))} ms</text>`);
    }
    y += barH + gap;
  }
  const axis = [];
  for (let v = min; v <= max; v *= 10) {
    axis.push(`<line x1="${x(v).toFixed(1)}" y1="${top - 6}" x2="${x(v).toFixed(1)}" y2="${y}" stroke="#ddd"/>`);
    axis.push(`<text x="${x(v).toFixed(1)}" y="${top - 10}" text-anchor="middle" fill="#666">${v >= 1 ? v : v.toFixed(2)}</text>`);
  }
  const legend = Object.entries({ ref: "issue's reference", ours: 'svrun stack (ours)', target: 'target' })
    .map(([k, t], i) => `<rect x="${left + i * 170}" y="${y + 12}" width="12" height="12" fill="${colors[k]}"/><text x="${left + i * 170 + 16}" y="${y + 22}">${t}</text>`).join('');
  const h = y + 36;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 90}" height="${h}" font-family="system-ui,sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="8" y="18" font-size="14" font-weight="bold">${escXml(title)}</text>
<text x="${left + width / 2}" y="${top - 24}" text-anchor="middle" fill="#666">milliseconds, log scale</text>
${axis.join('\n')}
${parts.join('\n')}
${legend}
</svg>
`;
}
