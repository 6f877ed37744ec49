// Whatever breaks the agent, the service still serves, and stderr has one line saying why.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { tempDir } from '../../helpers/fs.js';
import { SVRUN, pollUntil, start, type Running } from '../../helpers/proc.js';
import { NO_CLOUD, deadPort } from './fakes.js';

const APP = fileURLToPath(new URL('../../fixtures/nr-app.cjs', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../../../dist/svrun/preload.js', import.meta.url));

async function baseEnv(): Promise<Record<string, string>> {
  // Should the agent start after all, it may only reach a closed port on loopback.
  return { ...NO_CLOUD, NEW_RELIC_HOST: '127.0.0.1', NEW_RELIC_PORT: String(await deadPort()) };
}

function appDir(): string {
  const dir = tempDir('svrun-nr-app-');
  copyFileSync(APP, join(dir, 'app.cjs'));
  return dir;
}

// The app answers, and the output holds exactly one warning line, matching reason.
async function servesWithOneWarning(run: Running, dir: string, reason: RegExp) {
  const port = await pollUntil(() => { try { return readFileSync(join(dir, 'port'), 'utf8'); } catch { return ''; } }, 20_000, 'the app to listen');
  expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toMatch(/^hello/);
  await run.waitFor(reason);
  const warnings = run.output().split('\n').filter((l) => /warning/.test(l) && !/NODE_EXTRA_CA_CERTS/.test(l));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(reason);
  await run.stop();
}

function runProgram(dir: string, env: Record<string, string>): Running {
  return start(process.execPath, [SVRUN, 'newrelic', 'run-program', process.execPath, 'app.cjs'], { cwd: dir, env });
}

describe('fail-open', () => {
  test('an unresolvable newrelic package: the preload warns and the app serves', async () => {
    const dir = appDir();
    // A copy of the preload outside svrun, in an app without node_modules: nothing to resolve.
    const lone = tempDir('svrun-nr-lone-');
    copyFileSync(PRELOAD, join(lone, 'preload.js'));
    writeFileSync(join(lone, 'package.json'), '{"type":"module"}');
    const run = start(process.execPath, ['app.cjs'], {
      cwd: dir,
      env: { ...(await baseEnv()), NEW_RELIC_LICENSE_KEY: 'fake0123456789', NEW_RELIC_NO_CONFIG_FILE: 'true', NODE_OPTIONS: `--require ${join(lone, 'preload.js')}` },
    });
    await servesWithOneWarning(run, dir, /svrun newrelic: warning: app.cjs: the newrelic package is not installed .*; running without the agent$/m);
  });

  test('a syntax error in newrelic.js: svrun names the file and line, the app serves without the agent', async () => {
    const dir = appDir();
    writeFileSync(join(dir, 'newrelic.js'), "'use strict'\nexports.config = {\n  app_name: ['x'\n}\n");
    const run = runProgram(dir, { ...(await baseEnv()), NEW_RELIC_CONFIG_FILE: 'newrelic.js' });
    await servesWithOneWarning(run, dir, /svrun newrelic: warning: unable to start New Relic, running without it: NEW_RELIC_CONFIG_FILE .*newrelic\.js:\d+: .*fix the file/);
  });

  test('a missing INI file', async () => {
    const dir = appDir();
    const run = runProgram(dir, { ...(await baseEnv()), NEW_RELIC_CONFIG_FILE: 'newrelic.ini' });
    await servesWithOneWarning(run, dir, /warning: unable to start New Relic, running without it: NEW_RELIC_CONFIG_FILE .*newrelic\.ini: file does not exist: name a readable file$/m);
  });

  test('NEW_RELIC_ENABLED=true without a license key', async () => {
    const dir = appDir();
    const run = runProgram(dir, { ...(await baseEnv()), NEW_RELIC_ENABLED: 'true', NEW_RELIC_LICENSE_KEY: '' });
    await servesWithOneWarning(run, dir, /warning: unable to start New Relic, running without it: NEW_RELIC_LICENSE_KEY is not set/);
  });

  test('an agent log that cannot be written', async () => {
    const dir = appDir();
    writeFileSync(join(dir, 'file'), 'not a dir');
    const run = runProgram(dir, { ...(await baseEnv()), NEW_RELIC_LICENSE_KEY: 'fake0123456789', NEW_RELIC_LOG: join(dir, 'file', 'nr.log') });
    await servesWithOneWarning(run, dir, /warning: app.cjs: cannot write the agent log NEW_RELIC_LOG=.*file\/nr\.log: ENOTDIR; running without the agent$/m);
  });

  test('a node child of the app inherits the mark that keeps it from loading a second agent', async () => {
    const dir = appDir();
    writeFileSync(join(dir, 'child.cjs'), "process.stdout.write('child sees ' + process.env.SVRUN_NEWRELIC_PID + '\\n')\n");
    writeFileSync(join(dir, 'parent.cjs'), "require('node:child_process').spawnSync(process.execPath, ['child.cjs'], { stdio: 'inherit' }); process.stdout.write('parent is ' + process.pid + '\\n')\n");
    const run = start(process.execPath, [SVRUN, 'newrelic', 'run-program', process.execPath, 'parent.cjs'], {
      cwd: dir, env: { ...(await baseEnv()), NEW_RELIC_LICENSE_KEY: 'fake0123456789', NEW_RELIC_LOG: 'stderr' },
    });
    const out = await run.waitFor(/parent is \d+/);
    const parent = out.split(' ')[2];
    expect(run.output()).toContain(`child sees ${parent}`);
    await run.stop();
  });
});
