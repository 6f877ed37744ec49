// End to end: a real `svrun up` runs a Node web service under the agent, through a local
// CONNECT proxy to a fake HTTPS collector; all on 127.0.0.1.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { script, type TreeEntry } from '../../helpers/fs.js';
import { pollUntil } from '../../helpers/proc.js';
import { servicesDir, upReady } from '../../supervisor/harness.js';
import { NO_CLOUD, connectProxy, fakeCollector, type Call, type Collector } from './fakes.js';

const APP = fileURLToPath(new URL('../../fixtures/nr-app.cjs', import.meta.url));

function envFiles(vars: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [`env/${k}`, `${v}\n`]));
}

function metricNames(calls: Call[]): string[] {
  return calls.flatMap((c) => ((c.body as unknown[])[3] as [{ name: string }, unknown][]).map(([m]) => m.name));
}

async function serve(dir: string): Promise<number> {
  const port = Number(await pollUntil(() => { try { return readFileSync(join(dir, 'port'), 'utf8'); } catch { return ''; } }, 20_000, 'the app to listen'));
  for (let i = 0; i < 3; i++) expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toMatch(/^hello/);
  return port;
}

// Waits for the agent's connect; on timeout the error carries svrun's output and the agent log.
async function connected(c: Collector, u: { output(): string }, svcDir: string) {
  try {
    await pollUntil(() => c.named('connect').length >= 1, 20_000, 'the agent to connect');
  } catch (err) {
    let log = '';
    try { log = readFileSync(join(svcDir, 'newrelic_agent.log'), 'utf8').slice(-3000); } catch { /* none */ }
    throw new Error(`${(err as Error).message}\nsvrun output:\n${u.output()}\nagent log:\n${log}`);
  }
}

async function assertOneAgentReported(c: Collector, appName: string) {
  expect(c.named('preconnect')).toHaveLength(1);
  expect(c.named('connect')).toHaveLength(1);
  expect(((c.named('connect')[0]!.body as [{ app_name: string[] }])[0]).app_name).toEqual([appName]);
  await pollUntil(() => c.named('shutdown').length === 1, 5000, 'the flush on TERM');
  expect(metricNames(c.named('metric_data')).some((n) => n.startsWith('WebTransaction/'))).toBe(true);
}

describe('the agent under svrun up', () => {
  test('through npm start with a scheme-less proxy host and a separate port: one agent, CONNECT via the proxy, web metrics flushed on TERM', async () => {
    const c = await fakeCollector();
    const p = await connectProxy();
    const tree: Record<string, TreeEntry> = {
      'web/run': script('exec npm start'),
      'web/package.json': JSON.stringify({ name: 'web', private: true, scripts: { start: 'exec node app.cjs' } }),
      ...envFiles({
        ...NO_CLOUD,
        NEW_RELIC_LICENSE_KEY: 'fake0123456789',
        NEW_RELIC_HOST: 'localhost',
        NEW_RELIC_PORT: String(c.port),
        NEW_RELIC_PROXY_HOST: '127.0.0.1',
        NEW_RELIC_PROXY_PORT: String(p.port),
        NEW_RELIC_CA_BUNDLE_PATH: c.certPath,
        NPM_CONFIG_UPDATE_NOTIFIER: 'false',
      }),
    };
    const dir = servicesDir(Object.fromEntries(Object.entries(tree).map(([k, v]) => [k.startsWith('env/') ? `web/${k}` : k, v])));
    copyFileSync(APP, join(dir, 'web', 'app.cjs'));
    const u = await upReady(dir);
    await connected(c, u, join(dir, 'web'));
    await serve(join(dir, 'web'));
    await u.stop();
    await assertOneAgentReported(c, 'web');
    expect(p.connects.length).toBeGreaterThan(0);
    expect(p.connects.every((x) => x.target === `localhost:${c.port}`)).toBe(true);
    expect(u.output()).not.toContain('fake0123456789');
  });

  test('with a Python-style INI named by NEW_RELIC_CONFIG_FILE, run through sh -c', async () => {
    const c = await fakeCollector();
    const p = await connectProxy();
    const ini = [
      '[newrelic]', 'license_key = fake0123456789', 'app_name = Shop INI', 'monitor_mode = true',
      'host = localhost', `port = ${c.port}`, 'proxy_host = http://127.0.0.1', `proxy_port = ${p.port}`,
      `ca_bundle_path = ${c.certPath}`, 'log_level = info',
      '[newrelic:staging]', 'app_name = Shop Staging',
    ].join('\n');
    const dir = servicesDir({
      'shop/run': script("exec sh -c 'exec node app.cjs'"),
      'shop/newrelic.ini': ini,
      ...Object.fromEntries(Object.entries(envFiles({ ...NO_CLOUD, NEW_RELIC_CONFIG_FILE: 'newrelic.ini', NEW_RELIC_ENVIRONMENT: 'staging' })).map(([k, v]) => [`shop/${k}`, v])),
    });
    copyFileSync(APP, join(dir, 'shop', 'app.cjs'));
    const u = await upReady(dir);
    await connected(c, u, join(dir, 'shop'));
    await serve(join(dir, 'shop'));
    await u.stop();
    await assertOneAgentReported(c, 'Shop Staging');
    expect(p.connects.length).toBeGreaterThan(0);
  });
});
