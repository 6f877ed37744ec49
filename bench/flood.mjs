#!/usr/bin/env node
// `npm run bench:flood`: the log flood of the shared harness (500,000 lines of 100 bytes from
// `seq`), three times per session, under `svrun up` (default capture, no rotation) and under
// supervisord (stdout_logfile, maxbytes=0), sessions interleaved. Flood 1 starts with the
// service, as the harness's does, while the supervisor is still busy with the start (status
// files, FIFOs, watches) and its code is cold; flood 2 comes 1 s later, on a settled
// supervisor (svrun has run its one compacting GC by then, which discards optimized code of the
// log path: V8's trace-deopt says "weak objects"); flood 3 0.5 s after that, on warm code. Reported: how long `seq` took (the
// writer blocked by a full pipe), medians and svrun/supervisord ratios; every line checked;
// the supervisor's resident memory (VmRSS, sampled every 20 ms) at its peak during each flood
// and once after the last: flat if the floods, 150 MB in all, do not raise it.
// Options: --reps R (default 11), --lines L (default 500000), --out FILE (default
// bench/results-flood-phases.md).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const REPS = Number(arg('--reps', '11'));
const LINES = Number(arg('--lines', '500000'));
const OUT = arg('--out', join(root, 'bench', 'results-flood-phases.md'));
const FLOODS = ['with the start', '1 s later (settled)', '0.5 s later (warm)'];

if (spawnSync('supervisord', ['--version']).status !== 0) {
  console.error('svrun bench: fatal: supervisord is not installed (apt-get install supervisor, or sh ../shared/bench/setup.sh)');
  process.exit(111);
}

// The harness's line: 9 digits, a space, 89 x, a newline.
function script(marker) {
  const flood = (k) => `date "+%s%N start${k}" >> ${marker}\nseq -f '%09.0f ${'x'.repeat(89)}' 1 ${LINES}\ndate "+%s%N done${k}" >> ${marker}\n`;
  return `#!/bin/sh\n${flood(0)}sleep 1\n${flood(1)}sleep 0.5\n${flood(2)}exec sleep 86400\n`;
}

const svrun = {
  name: 'svrun',
  setup(dir, cmd) {
    const svc = join(dir, 'service', 'flood');
    mkdirSync(join(svc, 'log', 'main'), { recursive: true });
    writeFileSync(join(svc, 'run'), `#!/bin/sh\nexec ${cmd}\n`, { mode: 0o755 });
    writeFileSync(join(svc, 'log', 'main', 'config'), 's0\n'); // no rotation, as the harness
    return { argv: [join(root, 'bin', 'svrun'), 'up', join(dir, 'service')], file: join(svc, 'log', 'main', 'current') };
  },
};

const supervisord = {
  name: 'supervisord',
  setup(dir, cmd) {
    const conf = join(dir, 'supervisord.conf');
    const file = join(dir, 'flood.out');
    writeFileSync(conf, [
      '[unix_http_server]', `file=${join(dir, 'supervisor.sock')}`, '',
      '[supervisord]', 'nodaemon=true', `logfile=${join(dir, 'supervisord.log')}`, `pidfile=${join(dir, 'supervisord.pid')}`, `childlogdir=${dir}`, '',
      '[rpcinterface:supervisor]', 'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface', '',
      '[program:flood]', `command=${cmd}`, `stdout_logfile=${file}`, 'stdout_logfile_maxbytes=0', `stderr_logfile=${join(dir, 'flood.err')}`, 'stderr_logfile_maxbytes=0', '',
    ].join('\n'));
    return { argv: ['supervisord', '-n', '-c', conf], file };
  },
};

async function session(sup) {
  const dir = mkdtempSync(join(tmpdir(), `svrun-flood-${sup.name}-`));
  try {
    const marker = join(dir, 'marker');
    const cmd = join(dir, 'flood.sh');
    writeFileSync(cmd, script(marker), { mode: 0o755 });
    const { argv, file } = sup.setup(dir, cmd);
    const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore', detached: true });
    const exited = new Promise((r) => child.once('exit', r));
    const marks = () => {
      try {
        return new Map(readFileSync(marker, 'utf8').trim().split('\n').map((l) => l.split(' ')).map(([t, k]) => [k, BigInt(t)]));
      } catch {
        return new Map();
      }
    };
    const deadline = Date.now() + 120_000;
    const peakKB = [0, 0, 0];
    const cpuAt = new Map(); // marker -> the supervisor's CPU when the poll first saw it
    for (let m = marks(); !m.has('done2') && Date.now() < deadline; m = marks()) {
      const k = [0, 1, 2].find((i) => m.has(`start${i}`) && !m.has(`done${i}`));
      if (k !== undefined) peakKB[k] = Math.max(peakKB[k], rss(child.pid));
      const cpu = cpuNs(child.pid);
      for (const key of m.keys()) if (!cpuAt.has(key)) cpuAt.set(key, cpu);
      await sleep(20);
    }
    for (const key of marks().keys()) if (!cpuAt.has(key)) cpuAt.set(key, cpuNs(child.pid));
    const afterKB = rss(child.pid);
    process.kill(-child.pid, 'SIGTERM');
    await exited;
    const m = marks();
    if (!m.has('done2')) throw new Error(`${sup.name}: the floods did not finish within 120 s`);
    const ms = [0, 1, 2].map((k) => Number(m.get(`done${k}`) - m.get(`start${k}`)) / 1e6);
    // flood 1 from the supervisor's launch: its start-up competes with the flood for the CPUs
    const cpuMs = [0, 1, 2].map((k) => (cpuAt.get(`done${k}`) - (k === 0 ? 0 : cpuAt.get(`start${k}`))) / 1e6);
    return { ms, cpuMs, lost: check(file), peakKB, afterKB };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// CPU time of every thread of pid (ns; /proc/PID/task/*/schedstat), live threads only: svrun's
// and supervisord's threads last as long as they do.
const cpuNs = (pid) => {
  let ns = 0;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'latin1').split(' ')[0]);
      } catch { /* thread gone */ }
    }
  } catch { /* process gone */ }
  return ns;
};

const rss = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))[1]);
  } catch {
    return 0;
  }
};

// Lines missing from the file: each number 1..LINES must be there 3 times (svrun's lines carry
// a timestamp in front: the last 100 bytes of a line are the harness's).
function check(file) {
  const seen = new Uint8Array(LINES + 1);
  const buf = readFileSync(file);
  let start = 0;
  for (let i = buf.indexOf(10); i !== -1; start = i + 1, i = buf.indexOf(10, start)) {
    if (i - start < 99 || buf[i - 90] !== 32) continue;
    const n = Number(buf.toString('latin1', i - 99, i - 90));
    if (n >= 1 && n <= LINES) seen[n]++;
  }
  let lost = 0;
  for (let n = 1; n <= LINES; n++) lost += 3 - Math.min(3, seen[n]);
  return lost;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

const sups = [svrun, supervisord];
const runs = { svrun: [], supervisord: [] };
for (let rep = 0; rep < REPS; rep++) {
  for (const sup of rep % 2 ? [...sups].reverse() : sups) {
    const r = await session(sup);
    runs[sup.name].push(r);
    console.error(`rep ${rep + 1}/${REPS} ${sup.name}: ${r.ms.map((x) => x.toFixed(0)).join(' / ')} ms, CPU ${r.cpuMs.map((x) => x.toFixed(0)).join(' / ')} ms, ${r.lost} lost, RSS ${r.peakKB.map((x) => (x / 1024).toFixed(1)).join(' / ')} then ${(r.afterKB / 1024).toFixed(1)} MiB`);
  }
}

const lines = [
  `# Log flood at start and on a settled supervisor: svrun vs supervisord`,
  '',
  `\`npm run bench:flood -- --reps ${REPS}\`; ${LINES} lines of 100 bytes per flood, three floods per session; ${REPS} sessions each, interleaved; ${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}, ${spawnSync('nproc').stdout.toString().trim()} CPUs.`,
  'Time `seq` took to write the flood (blocked while the pipe was full): median ms; ratio = svrun / supervisord per session, median.',
  '',
  'CPU: the supervisor process alone (svrun up; supervisord), every thread, from /proc/PID/task/*/schedstat, over the flood as its 20 ms polls saw it (flood 1: from the supervisor\'s launch); on a VM whose two CPUs are not both always there, this is what slows the writer down: median ms.',
  'RSS: the same process, its peak during the flood, median over sessions.',
  '',
  '| flood | svrun | supervisord | ratio | svrun CPU | supervisord CPU | svrun RSS | supervisord RSS |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
];
const mib = (kb) => `${(kb / 1024).toFixed(1)} MiB`;
for (const [k, what] of FLOODS.entries()) {
  const a = runs.svrun.map((r) => r.ms[k]);
  const b = runs.supervisord.map((r) => r.ms[k]);
  const ra = mib(median(runs.svrun.map((r) => r.peakKB[k])));
  const rb = mib(median(runs.supervisord.map((r) => r.peakKB[k])));
  const ca = median(runs.svrun.map((r) => r.cpuMs[k])).toFixed(0);
  const cb = median(runs.supervisord.map((r) => r.cpuMs[k])).toFixed(0);
  lines.push(`| ${k + 1}: ${what} | ${median(a).toFixed(0)} | ${median(b).toFixed(0)} | ${median(a.map((x, i) => x / b[i])).toFixed(2)}× | ${ca} | ${cb} | ${ra} | ${rb} |`);
}
lines.push(`| after the floods | | | | | | ${mib(median(runs.svrun.map((r) => r.afterKB)))} | ${mib(median(runs.supervisord.map((r) => r.afterKB)))} |`);
const lost = (n) => runs[n].reduce((s, r) => s + r.lost, 0);
lines.push('', `Lines missing (all floods, all sessions): svrun ${lost('svrun')}, supervisord ${lost('supervisord')}.`, '');
const md = lines.join('\n');
console.log(md);
if (OUT) writeFileSync(OUT, md);
process.exitCode = lost('svrun') + lost('supervisord') > 0 ? 1 : 0;
