// Log throughput, svrun against svlogd in the same run: 500,000 lines of ~100 bytes, timed
// from the writer's start until every byte is in the log files.
//   node bench/logs.mjs [--lines N] [--reps R]
// Rows: svlogd -tt, `svrun log -tt`, `svrun log` (no stamps), svrun up's default capture
// (-tt, console off). svrun up's peak RSS is sampled every 20 ms during its flood.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as pause } from 'node:timers/promises';

const arg = (name, d) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : d; };
const LINES = arg('--lines', 500_000);
const REPS = arg('--reps', 3);
// the package's launcher, with the V8 flags it gives `up` and `log`, as users run it
const SVRUN = fileURLToPath(new URL('../bin/svrun', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'svrun-bench-logs-'));
const input = join(root, 'flood.txt');
{
  const pad = 'x'.repeat(86);
  const parts = [];
  for (let i = 0; i < LINES; i++) parts.push(`line ${String(i).padStart(7, '0')} ${pad}\n`);
  writeFileSync(input, parts.join(''));
}
const inBytes = statSync(input).size;
const want = inBytes + LINES * 26; // -tt stamps

const sizeOf = (dir) => readdirSync(dir).filter((n) => n === 'current' || n.startsWith('@'))
  .reduce((s, n) => { try { return s + statSync(join(dir, n)).size; } catch { return s; } }, 0);
const rss = (pid) => { try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))[1]); } catch { return 0; } };

async function until(dir, bytes, pid) {
  let peak = 0;
  while (sizeOf(dir) < bytes) {
    if (pid) peak = Math.max(peak, rss(pid));
    await pause(20);
  }
  return peak;
}

async function pipeInto(cmd, args, dir, bytes) {
  const t0 = performance.now();
  const p = spawn('sh', ['-c', `cat "${input}" | exec "$0" "$@"`, cmd, ...args], { stdio: 'ignore' });
  await until(dir, bytes);
  const ms = performance.now() - t0;
  await new Promise((r) => p.once('exit', r));
  return { ms };
}

async function capture(dir) {
  const scan = join(dir, 'services');
  mkdirSync(join(scan, 'svc/log/main'), { recursive: true });
  writeFileSync(join(scan, 'svc/run'), `#!/bin/sh\ncat "${input}"\nexec sleep 100000\n`);
  chmodSync(join(scan, 'svc/run'), 0o755);
  writeFileSync(join(scan, 'svc/log/main/config'), 's0\n');
  const t0 = performance.now();
  const p = spawn(SVRUN, ['up', scan], { stdio: 'ignore' });
  const peak = await until(join(scan, 'svc/log/main'), want, p.pid);
  const ms = performance.now() - t0;
  p.kill('SIGTERM');
  await new Promise((r) => p.once('exit', r));
  return { ms, peakKB: peak };
}

const rows = {
  'svlogd -tt': (d) => pipeInto('svlogd', ['-tt', d], d, want),
  'svrun log -tt': (d) => pipeInto(SVRUN, ['log', '-tt', d], d, want),
  'svrun log': (d) => pipeInto(SVRUN, ['log', d], d, inBytes),
  'svrun up capture (-tt)': (d) => capture(d),
};
const results = Object.fromEntries(Object.keys(rows).map((k) => [k, []]));
for (let r = 0; r < REPS; r++) {
  for (const [name, run] of Object.entries(rows)) {
    const dir = join(root, `${r}-${name.replace(/\W+/g, '_')}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'config'), 's0\n');
    results[name].push(await run(dir));
    rmSync(dir, { recursive: true, force: true });
  }
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(results['svlogd -tt'].map((x) => x.ms));
const out = [
  '# Log throughput: `svrun log` and svrun up\'s capture beside svlogd (`npm run bench:logs`)',
  '',
  `${new Date().toISOString()}, Node ${process.version}; ${LINES} lines, ${(inBytes / 1e6).toFixed(0)} MB in, from \`cat\` of a file; median of ${REPS}, interleaved.`,
  'Time from the writer\'s start until every byte is in the log dir; the capture row also includes `svrun up` starting (the harness in results-svrun.md times that case from the writer\'s start).',
  '',
  '| writer → logger | ms | k lines/s | MB/s | vs svlogd -tt | svrun peak RSS |',
  '|---|---:|---:|---:|---:|---:|',
];
for (const [name, rs] of Object.entries(results)) {
  const ms = median(rs.map((x) => x.ms));
  const peak = rs[0].peakKB ? `${Math.round(median(rs.map((x) => x.peakKB)) / 1024)} MB` : '';
  out.push(`| ${name} | ${ms.toFixed(0)} | ${(LINES / ms).toFixed(0)} | ${(inBytes / 1e3 / ms).toFixed(0)} | ${(base / ms).toFixed(2)}× | ${peak} |`);
}
console.log(out.join('\n'));
writeFileSync(fileURLToPath(new URL('results-logs.md', import.meta.url)), `${out.join('\n')}\n`);
rmSync(root, { recursive: true, force: true });
spawnSync('true');
