// `svrun status` of 100 services against a bare `node -e 0` (the yardstick) and runit's
// `sv status` on the same dirs, interleaved: npm run bench:status [-- --rounds R --n N].
// Writes bench/results-status.md.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name, d) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : d; };
const ROUNDS = arg('--rounds', 41);
const N = arg('--n', 100);
const SVRUN = fileURLToPath(new URL('../bin/svrun', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'svrun-bench-status-'));
const scan = join(root, 'services');
const names = Array.from({ length: N }, (_, i) => `svc${String(i + 1).padStart(3, '0')}`);
for (const n of names) {
  mkdirSync(join(scan, n), { recursive: true });
  writeFileSync(join(scan, n, 'run'), '#!/bin/sh\nexec sleep 100000\n');
  chmodSync(join(scan, n, 'run'), 0o755);
}

const up = spawn(SVRUN, ['up', scan], { stdio: 'ignore' });
try {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = spawnSync(SVRUN, ['status', '--json', '-d', scan], { encoding: 'utf8' });
    if (r.status === 0 && JSON.parse(r.stdout).filter((s) => s.state === 'run').length === N) break;
    if (Date.now() > deadline) throw new Error(`not all ${N} services up in 30 s`);
  }
  const hasSv = spawnSync('sv', ['-V']).error === undefined;
  const cmds = {
    'node -e 0': ['node', ['-e', '0']],
    [`svrun status -d DIR (${N})`]: [SVRUN, ['status', '-d', scan]],
    [`svrun status --json -d DIR (${N})`]: [SVRUN, ['status', '--json', '-d', scan]],
    ...(hasSv ? { [`runit's sv status DIR/* (${N})`]: ['sv', ['status', ...names.map((n) => join(scan, n))]] } : {}),
  };
  const res = Object.fromEntries(Object.keys(cmds).map((k) => [k, []]));
  for (let i = 0; i < ROUNDS; i++) {
    for (const [k, [file, args]] of Object.entries(cmds)) {
      const t = performance.now();
      spawnSync(file, args);
      res[k].push(performance.now() - t);
    }
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(res['node -e 0']);
  const out = [
    '# `svrun status` against a bare `node -e 0` (`npm run bench:status`)',
    '',
    `${new Date().toISOString()}, Node ${process.version}; ${N} services under \`svrun up\`, all running; ${ROUNDS} interleaved rounds, wall time of each command (spawnSync), medians.`,
    '',
    '| command | median (ms) | min–max (ms) | vs node -e 0 |',
    '|---|---:|---:|---:|',
    ...Object.entries(res).map(([k, v]) => `| ${k} | ${median(v).toFixed(1)} | ${Math.min(...v).toFixed(1)}–${Math.max(...v).toFixed(1)} | ${(median(v) / base).toFixed(2)}× |`),
  ];
  console.log(out.join('\n'));
  writeFileSync(fileURLToPath(new URL('results-status.md', import.meta.url)), `${out.join('\n')}\n`);
} finally {
  up.kill('SIGTERM');
  await new Promise((r) => up.once('exit', r));
  rmSync(root, { recursive: true, force: true });
}
