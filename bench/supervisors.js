#!/usr/bin/env node
// `npm run bench:supervisors`: svrun side by side with runit, s6, supervisord and PM2 in the same run,
// using the shared harness (../shared/bench beside the project root, or $SVRUN_BENCH_HARNESS)
// with our adapter. The harness is copied into .bench-out/ because it writes next to itself.
// Extra arguments go to the harness, e.g. `npm run bench:supervisors -- --fast --only svrun,runit`.
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const harness = resolve(process.env.SVRUN_BENCH_HARNESS ?? join(root, '..', 'shared', 'bench'));
if (!existsSync(join(harness, 'bench.js'))) {
  console.error(`svrun bench: fatal: no harness at ${harness}/bench.js (set SVRUN_BENCH_HARNESS to the shared bench folder)`);
  process.exit(111);
}
const work = join(root, '.bench-out', 'harness');
mkdirSync(work, { recursive: true });
cpSync(harness, work, { recursive: true, filter: (src) => !src.includes(`${harness}/.deps`) });
// The harness is CommonJS; inside this ESM package it needs its own package scope.
writeFileSync(join(work, 'package.json'), '{ "private": true, "type": "commonjs" }\n');

const svrun = join(root, 'bin', 'svrun'); // the launcher users run: V8 flags included
if (!existsSync(join(root, 'dist', 'bin', 'svrun.js'))) {
  console.error('svrun bench: fatal: dist/bin/svrun.js is missing: run npm run build first');
  process.exit(111);
}
const env = { ...process.env, SVRUN: svrun };
const args = process.argv.slice(2);
const list = spawnSync(process.execPath, ['bench.js', '--adapter', join(root, 'bench', 'adapters', 'svrun.cjs'), '--list'], { cwd: work, env, encoding: 'utf8' });
const usable = list.stdout.split('\n').filter((l) => /^\S+\s+ok\b/.test(l)).map((l) => l.split(/\s+/)[0]);
const missing = list.stdout.split('\n').filter((l) => /unavailable/.test(l));
if (missing.length) {
  console.error(`svrun bench: peers not installed (sudo sh ${join(work, 'setup.sh')} installs them):\n${missing.join('\n')}`);
}
const only = args.includes('--only') ? [] : ['--only', usable.join(',')];
const out = args.includes('--out') ? [] : ['--out', join(root, 'bench', 'results-svrun.md')];
const r = spawnSync(process.execPath, ['bench.js', '--adapter', join(root, 'bench', 'adapters', 'svrun.cjs'), '--ref', 'svrun', ...only, ...out, ...args], { cwd: work, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
