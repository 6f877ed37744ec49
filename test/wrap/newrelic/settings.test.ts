import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { makeTree, tempDir } from '../../helpers/fs.js';
import { newRelicFor, withNewRelic, withPreload, PRELOAD } from '../../../src/wrap/newrelic/wrap.js';
import { resolveSettings } from '../../../src/wrap/newrelic/settings.js';
import { maskNr } from '../../../src/wrap/newrelic/run.js';
import { collectorFor } from '../../../src/wrap/newrelic/validate.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function svc(tree: Record<string, string> = {}) {
  const dir = makeTree(tempDir(), { 'run': '#!/bin/sh\n', ...tree });
  return { name: 'web', dir };
}

describe('newRelicFor', () => {
  test('leaves a service without key, config file or NEW_RELIC_ENABLED alone', () => {
    const env = { PATH: '/bin' };
    expect(newRelicFor(env, svc())).toEqual({ env, enabled: false, warnings: [] });
  });

  test('NEW_RELIC_ENABLED=false wins over a key', () => {
    expect(newRelicFor({ NEW_RELIC_LICENSE_KEY: 'k', NEW_RELIC_ENABLED: 'no' }, svc()).enabled).toBe(false);
  });

  test('with a key: app name, log file in log/, no config file, preload in NODE_OPTIONS', () => {
    const s = svc({ 'log/run': '#!/bin/sh\n' });
    const r = newRelicFor({ NEW_RELIC_LICENSE_KEY: 'k', NODE_OPTIONS: '--max-old-space-size=64' }, s);
    expect(r.enabled).toBe(true);
    expect(r.env).toMatchObject({
      NEW_RELIC_LICENSE_KEY: 'k',
      NEW_RELIC_APP_NAME: 'web',
      NEW_RELIC_LOG: join(s.dir, 'log', 'newrelic_agent.log'),
      NEW_RELIC_NO_CONFIG_FILE: 'true',
      NODE_OPTIONS: `--require ${PRELOAD} --max-old-space-size=64`,
    });
  });

  test('without log/ the agent logs in the service dir; explicit values are kept', () => {
    const s = svc();
    expect(newRelicFor({ NEW_RELIC_LICENSE_KEY: 'k' }, s).env.NEW_RELIC_LOG).toBe(join(s.dir, 'newrelic_agent.log'));
    const r = newRelicFor({ NEW_RELIC_LICENSE_KEY: 'k', NEW_RELIC_LOG: 'stdout', NEW_RELIC_APP_NAME: 'shop' }, s);
    expect(r.env).toMatchObject({ NEW_RELIC_LOG: 'stdout', NEW_RELIC_APP_NAME: 'shop' });
  });

  test('folds the proxy parts into NEW_RELIC_PROXY_URL and removes them', () => {
    const r = newRelicFor({ NEW_RELIC_LICENSE_KEY: 'k', NEW_RELIC_PROXY_HOST: '127.0.0.1', NEW_RELIC_PROXY_PORT: '3128' }, svc());
    expect(r.env.NEW_RELIC_PROXY_URL).toBe('http://127.0.0.1:3128');
    expect(Object.keys(r.env).filter((k) => /PROXY_(HOST|PORT|USER|PASS)/.test(k))).toEqual([]);
  });

  test('a proxy password lowers the agent log level to warn, and warns when the user asked for info', () => {
    const base = { NEW_RELIC_LICENSE_KEY: 'k', NEW_RELIC_PROXY_URL: 'http://u:secret@h:1' };
    expect(newRelicFor(base, svc()).env.NEW_RELIC_LOG_LEVEL).toBe('warn');
    const r = newRelicFor({ ...base, NEW_RELIC_LOG_LEVEL: 'info' }, svc());
    expect(r.warnings).toEqual([expect.stringMatching(/NEW_RELIC_LOG_LEVEL=info makes the agent write the proxy password/)]);
    expect(r.warnings.join('')).not.toContain('secret');
  });

  test('a bad setting becomes one warning and the original env (fail-open)', () => {
    const env = { NEW_RELIC_LICENSE_KEY: 'k', NEW_RELIC_PROXY_HOST: 'h', NEW_RELIC_PROXY_PORT: 'x' };
    const r = newRelicFor(env, svc());
    expect(r).toEqual({ env, enabled: false, warnings: ["unable to start New Relic, running without it: NEW_RELIC_PROXY_PORT has a bad port 'x': write a number from 1 to 65535"] });
  });

  test('NEW_RELIC_ENABLED=true without a key says which setting is missing', () => {
    const r = newRelicFor({ NEW_RELIC_ENABLED: 'true' }, svc());
    expect(r.enabled).toBe(false);
    expect(r.warnings[0]).toMatch(/NEW_RELIC_LICENSE_KEY is not set: put the key in the service's env\/NEW_RELIC_LICENSE_KEY/);
  });

  test('a CA bundle becomes certificates and NODE_EXTRA_CA_CERTS', () => {
    const s = svc({ 'ca.pem': PEM });
    const r = newRelicFor({ NEW_RELIC_LICENSE_KEY: 'k', NEW_RELIC_CA_BUNDLE_PATH: 'ca.pem' }, s);
    expect(r.env.NEW_RELIC_CERTIFICATES).toBe(PEM);
    expect(r.env.NODE_EXTRA_CA_CERTS).toBe(join(s.dir, 'ca.pem'));
    expect(r.env.NEW_RELIC_CA_BUNDLE_PATH).toBeUndefined();
  });

  test('through an http proxy the CA bundle goes to NODE_EXTRA_CA_CERTS only (certificates breaks the tunnel)', () => {
    const s = svc({ 'ca.pem': PEM });
    const r = newRelicFor({ NEW_RELIC_LICENSE_KEY: 'k', NEW_RELIC_CA_BUNDLE_PATH: 'ca.pem', NEW_RELIC_PROXY_URL: 'http://p:1' }, s);
    expect(r.env.NEW_RELIC_CERTIFICATES).toBeUndefined();
    expect(r.env.NODE_EXTRA_CA_CERTS).toBe(join(s.dir, 'ca.pem'));
  });

  test('a JS config file is handed to the agent by dir and name', () => {
    const s = svc({ 'nr/newrelic.cjs': 'exports.config = { app_name: ["x"] }\n' });
    const r = newRelicFor({ NEW_RELIC_CONFIG_FILE: 'nr/newrelic.cjs', NEW_RELIC_NO_CONFIG_FILE: 'true' }, s);
    expect(r.enabled).toBe(true);
    expect(r.env).toMatchObject({ NEW_RELIC_HOME: join(s.dir, 'nr'), NEW_RELIC_CONFIG_FILENAME: 'newrelic.cjs' });
    expect(r.env.NEW_RELIC_NO_CONFIG_FILE).toBeUndefined();
    expect(r.env.NEW_RELIC_APP_NAME).toBeUndefined(); // the file names the app
  });

  test('a syntax error in newrelic.js disables the agent with the file and line', () => {
    const s = svc({ 'newrelic.js': "exports.config = {\n  app_name: ['x'\n}\n" });
    const r = newRelicFor({ NEW_RELIC_CONFIG_FILE: 'newrelic.js' }, s);
    expect(r.enabled).toBe(false);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(new RegExp(`NEW_RELIC_CONFIG_FILE ${join(s.dir, 'newrelic.js')}:\\d+: .*fix the file`));
  });

  test('an INI file fills in what the env does not set', () => {
    const s = svc({ 'newrelic.ini': '[newrelic]\nlicense_key = fromini\napp_name = Shop\nproxy_host = px\nproxy_port = 3128\n' });
    const r = newRelicFor({ NEW_RELIC_CONFIG_FILE: 'newrelic.ini', NEW_RELIC_APP_NAME: 'fromenv' }, s);
    expect(r.env).toMatchObject({ NEW_RELIC_LICENSE_KEY: 'fromini', NEW_RELIC_APP_NAME: 'fromenv', NEW_RELIC_PROXY_URL: 'http://px:3128', NEW_RELIC_NO_CONFIG_FILE: 'true' });
  });

  test('a missing INI file is one warning naming NEW_RELIC_CONFIG_FILE', () => {
    const s = svc();
    const r = newRelicFor({ NEW_RELIC_CONFIG_FILE: 'newrelic.ini', NEW_RELIC_LICENSE_KEY: 'k' }, s);
    expect(r.enabled).toBe(false);
    expect(r.warnings).toEqual([`unable to start New Relic, running without it: NEW_RELIC_CONFIG_FILE ${join(s.dir, 'newrelic.ini')}: file does not exist: name a readable file`]);
  });

  test('withNewRelic transforms a Command value and keeps file, args and cwd', () => {
    const r = withNewRelic({ file: 'npm', args: ['start'], env: { NEW_RELIC_LICENSE_KEY: 'k' }, cwd: '/srv' }, svc());
    expect(r.cmd).toMatchObject({ file: 'npm', args: ['start'], cwd: '/srv' });
    expect(r.cmd.env.NODE_OPTIONS).toContain(PRELOAD);
  });
});

describe('withPreload', () => {
  test('adds the preload once and quotes a path with spaces', () => {
    expect(withPreload(undefined, '/a/p.js')).toBe('--require /a/p.js');
    expect(withPreload('--require /a/p.js --trace-warnings', '/a/p.js')).toBe('--require /a/p.js --trace-warnings');
    expect(withPreload('', '/a b/"p".js')).toBe('--require "/a b/\\"p\\".js"');
  });
});

describe('resolveSettings and masking', () => {
  test('maskNr hides the key but its last 4, passwords and PEMs', () => {
    expect(maskNr('NEW_RELIC_LICENSE_KEY', 'eu01xx0123456789abcd')).toBe('****abcd');
    expect(maskNr('NEW_RELIC_PROXY_URL', 'http://u:p%40ss@h:1')).toBe('http://u:****@h:1');
    expect(maskNr('NEW_RELIC_CERTIFICATES', PEM)).toBe('(1 PEM certificate(s))');
  });

  test('collectorFor picks the region from the key', () => {
    expect(collectorFor('eu01xx0123')).toBe('collector.eu01.nr-data.net');
    expect(collectorFor('0123abc')).toBe('collector.newrelic.com');
  });

  test('a PEM-less CA bundle is rejected by name', () => {
    const s = svc({ 'ca.pem': 'nope' });
    expect(() => resolveSettings({ NEW_RELIC_LICENSE_KEY: 'k', NEW_RELIC_CA_BUNDLE_PATH: 'ca.pem' }, s)).toThrow(/^NEW_RELIC_CA_BUNDLE_PATH .*ca.pem holds no PEM certificate/);
  });
});
