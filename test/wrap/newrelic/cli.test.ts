// `svrun newrelic config|validate` against a service dir, a fake collector and local proxies.
import { describe, expect, test } from 'vitest';
import { makeTree, tempDir } from '../../helpers/fs.js';
import { svrun } from '../../helpers/proc.js';
import { NO_CLOUD, connectProxy, deadPort, fakeCollector } from './fakes.js';

function service(env: Record<string, string>): string {
  return makeTree(tempDir('svrun-nr-svc-'), {
    run: '#!/bin/sh\n',
    ...Object.fromEntries(Object.entries({ ...NO_CLOUD, ...env }).map(([k, v]) => [`env/${k}`, `${v}\n`])),
  });
}

describe('svrun newrelic validate', () => {
  test('reaches the collector through the proxy, hop by hop, with credentials never shown', async () => {
    const c = await fakeCollector();
    const p = await connectProxy();
    const dir = service({
      NEW_RELIC_LICENSE_KEY: 'fake0123456789', NEW_RELIC_HOST: 'localhost', NEW_RELIC_PORT: String(c.port),
      NEW_RELIC_PROXY_HOST: '127.0.0.1', NEW_RELIC_PROXY_PORT: String(p.port),
      NEW_RELIC_PROXY_USER: 'alice', NEW_RELIC_PROXY_PASS: 's3cret', NEW_RELIC_CA_BUNDLE_PATH: c.certPath,
    });
    const r = await svrun(['newrelic', 'validate', dir]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`ok: proxy http://127.0.0.1:${p.port} accepts connections`);
    expect(r.stdout).toContain(`ok: proxy http://127.0.0.1:${p.port} opened a tunnel to localhost:${c.port} (200 Connection Established)`);
    expect(r.stdout).toContain(`ok: TLS handshake with the collector localhost:${c.port} (certificate CN=localhost)`);
    expect(p.connects).toEqual([{ target: `localhost:${c.port}`, auth: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` }]);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/s3cret|fake0123456789/);
  });

  test('a dead proxy: names the proxy hop and the error, exits 111', async () => {
    const c = await fakeCollector();
    const port = await deadPort();
    const dir = service({ NEW_RELIC_LICENSE_KEY: 'k', NEW_RELIC_HOST: 'localhost', NEW_RELIC_PORT: String(c.port), NEW_RELIC_PROXY_URL: `http://127.0.0.1:${port}` });
    const r = await svrun(['newrelic', 'validate', dir]);
    expect(r.exitCode).toBe(111);
    expect(r.stderr).toMatch(new RegExp(`^svrun newrelic: fatal: unable to reach the collector: proxy http://127.0.0.1:${port}: ECONNREFUSED`, 'm'));
  });

  test('a proxy that refuses CONNECT: names the status, exits 111', async () => {
    const c = await fakeCollector();
    const p = await connectProxy({ refuse: '403 Forbidden' });
    const dir = service({ NEW_RELIC_LICENSE_KEY: 'k', NEW_RELIC_HOST: 'localhost', NEW_RELIC_PORT: String(c.port), NEW_RELIC_PROXY_URL: `http://127.0.0.1:${p.port}` });
    const r = await svrun(['newrelic', 'validate', dir]);
    expect(r.exitCode).toBe(111);
    expect(r.stderr).toContain(`unable to reach the collector: proxy http://127.0.0.1:${p.port}: CONNECT localhost:${c.port}: refused: 403 Forbidden`);
  });

  test('a collector certificate nobody vouches for: names the TLS hop, exits 111', async () => {
    const c = await fakeCollector();
    const dir = service({ NEW_RELIC_LICENSE_KEY: 'k', NEW_RELIC_HOST: 'localhost', NEW_RELIC_PORT: String(c.port) });
    const r = await svrun(['newrelic', 'validate', dir], { env: { NODE_EXTRA_CA_CERTS: '' } });
    expect(r.exitCode).toBe(111);
    expect(r.stderr).toMatch(new RegExp(`unable to reach the collector: TLS handshake with the collector localhost:${c.port}: (DEPTH_ZERO_)?SELF_SIGNED`));
  });

  test('a bad setting: one line naming it, exit 100', async () => {
    const dir = service({ NEW_RELIC_LICENSE_KEY: 'k', NEW_RELIC_PROXY_HOST: 'proxy.lan' });
    const r = await svrun(['newrelic', 'validate', dir]);
    expect(r.exitCode).toBe(100);
    expect(r.stderr.trim()).toBe("svrun newrelic: usage: NEW_RELIC_PROXY_HOST 'proxy.lan' has no port: add :PORT or set NEW_RELIC_PROXY_PORT");
  });
});

describe('svrun newrelic config', () => {
  test('prints the effective settings with the key and proxy password masked', async () => {
    const dir = service({ NEW_RELIC_LICENSE_KEY: 'eu01xx0123456789abcd', NEW_RELIC_PROXY_URL: 'http://bob:hunter2@127.0.0.1:3128' });
    const r = await svrun(['newrelic', 'config', dir]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('NEW_RELIC_LICENSE_KEY=****abcd');
    expect(r.stdout).toContain('NEW_RELIC_PROXY_URL=http://bob:****@127.0.0.1:3128');
    expect(r.stdout).toMatch(/NEW_RELIC_APP_NAME=svrun-nr-svc-/);
    expect(r.stdout).toContain('NEW_RELIC_LOG_LEVEL=warn');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/hunter2|0123456789abcd/);
  });
});
