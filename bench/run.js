#!/usr/bin/env node
// `npm run bench`: every benchmark, one after the other, each writing bench/results-*.md:
// supervisors (svrun beside runit, s6, supervisord, PM2), respawn beside runit (paired, many
// kills), `svrun status` beside `node -e 0`, `svrun log` beside svlogd, the bundled app, New
// Relic's cost, the log flood at three moments beside supervisord. Each also runs alone:
// npm run bench:supervisors -- [harness options],
// bench:respawn, bench:status, bench:logs, bench:flood, bench:app, bench:newrelic.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let failed = 0;
for (const script of ['supervisors.js', 'respawn.mjs', 'status.mjs', 'logs.mjs', 'flood.mjs', 'app.js', 'newrelic.js']) {
  console.error(`\n== bench/${script}`);
  const r = spawnSync(process.execPath, [join(here, script)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
