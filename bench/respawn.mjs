// Respawn latency, svrun beside runit, paired: `npm run bench:respawn [-- --rounds R --n N]`.
// `svrun up` (default capture on, as in the harness) and runit's runsvdir each supervise N
// services; each round SIGKILLs service N/2 under one, then under the other (the order
// alternates), and times the kill until the new process has written its pid. Rounds are 1.1 s
// apart, past runit's 1 s restart rule. The shared harness measures the same thing with 3 kills
// per session; this takes many, paired, so the ratio is not at the mercy of one slow kill.
// Writes bench/results-respawn.md.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as pause } from 'node:timers/promises';

const arg = (name, d) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : d; };
const ROUNDS = arg('--rounds', 25);
const N = arg('--n', 100);
const SVRUN = fileURLToPath(new URL('../bin/svrun', import.meta.url));
const OUT = fileURLToPath(new URL('./results-respawn.md', import.meta.url));

if (spawnSync('sh', ['-c', 'command -v runsvdir'], { encoding: 'utf8' }).status !== 0) {
  console.error('svrun bench: fatal: runsvdir not found: install runit (bash .ci/run does)');
  process.exit(111);
}

const root = mkdtempSync(join(tmpdir(), 'svrun-bench-respawn-'));
const names = Array.from({ length: N }, (_, i) => `svc${String(i + 1).padStart(3, '0')}`);
const victim = names[Math.floor(N / 2)];
function scanDir(kind) {
  const scan = join(root, kind, 'service');
  const marks = join(root, kind, 'marks');
  mkdirSync(marks, { recursive: true });
  for (const n of names) {
    mkdirSync(join(scan, n), { recursive: true });
    writeFileSync(join(scan, n, 'run'), `#!/bin/sh\necho $$ > ${join(marks, n)}\nexec sleep 100000\n`);
    chmodSync(join(scan, n, 'run'), 0o755);
    // as the harness does: svrun's capture on, without rotation
    if (kind === 'svrun') {
      mkdirSync(join(scan, n, 'log', 'main'), { recursive: true });
      writeFileSync(join(scan, n, 'log', 'main', 'config'), 's0\n');
    }
  }
  return { scan, marks };
}
const sv = scanDir('svrun');
const rn = scanDir('runit');

const pidOf = (marks, n) => { try { return Number(readFileSync(join(marks, n), 'utf8').trim()) || 0; } catch { return 0; } };
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
async function allStarted(marks) {
  const deadline = Date.now() + 60_000;
  while (readdirSync(marks).length < N || names.some((n) => !pidOf(marks, n))) {
    if (Date.now() > deadline) throw new Error(`not all ${N} services started in 60 s`);
    await pause(50);
  }
}

// SIGKILL the victim, resolve with the ms until its replacement has written a new pid
async function respawn(marks) {
  const old = pidOf(marks, victim);
  let t1 = 0;
  const seen = new Promise((resolve) => {
    const w = watch(marks, () => {
      const now = pidOf(marks, victim);
      if (now && now !== old) { t1 = performance.now(); w.close(); resolve(); }
    });
  });
  const t0 = performance.now();
  process.kill(old, 'SIGKILL');
  await seen;
  return t1 - t0;
}

const up = spawn(SVRUN, ['up', sv.scan], { stdio: 'ignore' });
const dir = spawn('runsvdir', ['-P', rn.scan], { stdio: 'ignore', detached: true });
const times = { svrun: [], runit: [] };
const ratios = [];
try {
  await Promise.all([allStarted(sv.marks), allStarted(rn.marks)]);
  await pause(2000); // every service up for more than 1 s: no restart waits on the 1 s rule
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? ['svrun', 'runit'] : ['runit', 'svrun'];
    const t = {};
    for (const who of order) {
      t[who] = await respawn(who === 'svrun' ? sv.marks : rn.marks);
      times[who].push(t[who]);
      await pause(1100);
    }
    ratios.push(t.svrun / t.runit);
  }
} finally {
  const pids = [...names.map((n) => pidOf(sv.marks, n)), ...names.map((n) => pidOf(rn.marks, n))].filter(Boolean);
  up.kill('SIGTERM');
  // runsvdir on HUP sends each runsv TERM, which stops its service and exits
  try { process.kill(-dir.pid, 'SIGHUP'); } catch { /* gone */ }
  await Promise.all([new Promise((r) => (up.exitCode !== null ? r() : up.on('exit', r))), new Promise((r) => (dir.exitCode !== null ? r() : dir.on('exit', r)))]);
  const deadline = Date.now() + 10_000;
  while (pids.some(alive) && Date.now() < deadline) await pause(50);
  for (const p of pids.filter(alive)) process.kill(p, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
}

const med = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const f = (x) => x.toFixed(2);
const ms = (a) => `${f(med(a))} | ${f(Math.min(...a))}–${f(Math.max(...a))}`;
const md = `# Respawn after SIGKILL, svrun beside runit, paired (\`npm run bench:respawn\`)

${new Date().toISOString()}, Node ${process.version}; ${N} services under each supervisor, ${ROUNDS} rounds; each round kills service ${victim} under both (the order alternates) and times the kill until the replacement has written its pid (\`echo $$\`, no fork).

| supervisor | median (ms) | min–max (ms) |
|---|---:|---:|
| svrun up | ${ms(times.svrun)} |
| runit (runsvdir, runsv) | ${ms(times.runit)} |

svrun / runit: ${f(med(times.svrun) / med(times.runit))}× as a ratio of medians, ${f(med(ratios))}× as the median of the ${ROUNDS} paired ratios.
`;
writeFileSync(OUT, md);
process.stdout.write(md);
