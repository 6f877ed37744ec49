import { describe, expect, test } from 'vitest';
import { normaliseProxy, proxyDisplay } from '../../../src/wrap/newrelic/proxy.js';
import { SvrunError } from '../../../src/errors.js';

const accepted: [string, Record<string, string>, string][] = [
  ['a full URL', { NEW_RELIC_PROXY_URL: 'http://u:p@h:3128' }, 'http://u:p@h:3128'],
  ['a URL without credentials', { NEW_RELIC_PROXY_URL: 'http://127.0.0.1:3128' }, 'http://127.0.0.1:3128'],
  ['a URL at the default port', { NEW_RELIC_PROXY_URL: 'http://h:80' }, 'http://h:80'],
  ['an https URL with a CA', { NEW_RELIC_PROXY_URL: 'https://h:3129', NEW_RELIC_CERTIFICATES: 'PEM' }, 'https://h:3129'],
  ['a URL with a trailing slash', { NEW_RELIC_PROXY_URL: 'http://h:3128/' }, 'http://h:3128'],
  ['a URL without port plus a separate port', { NEW_RELIC_PROXY_URL: 'http://h', NEW_RELIC_PROXY_PORT: '8080' }, 'http://h:8080'],
  ['a URL with an encoded password', { NEW_RELIC_PROXY_URL: 'http://alice:p%40ss@h:3128' }, 'http://alice:p%40ss@h:3128'],
  ['a URL with a raw @ in the password', { NEW_RELIC_PROXY_URL: 'http://alice:p@ss@h:3128' }, 'http://alice:p%40ss@h:3128'],
  ['host:port without scheme in PROXY_URL', { NEW_RELIC_PROXY_URL: 'localhost:3128' }, 'http://localhost:3128'],
  ['a bare host and a port', { NEW_RELIC_PROXY_HOST: 'proxy.lan', NEW_RELIC_PROXY_PORT: '3128' }, 'http://proxy.lan:3128'],
  ['host:port in PROXY_HOST', { NEW_RELIC_PROXY_HOST: 'proxy.lan:3128' }, 'http://proxy.lan:3128'],
  ['a port in the host beating PROXY_PORT', { NEW_RELIC_PROXY_HOST: 'proxy.lan:3128', NEW_RELIC_PROXY_PORT: '9' }, 'http://proxy.lan:3128'],
  ['a host with a scheme plus a port (the Python workaround)', { NEW_RELIC_PROXY_HOST: 'http://myproxyhost', NEW_RELIC_PROXY_PORT: '3128' }, 'http://myproxyhost:3128'],
  ['a bracketed IPv6 host with a port', { NEW_RELIC_PROXY_HOST: '[::1]:3128' }, 'http://[::1]:3128'],
  ['a bare IPv6 host plus a port', { NEW_RELIC_PROXY_HOST: '::1', NEW_RELIC_PROXY_PORT: '3128' }, 'http://[::1]:3128'],
  ['user and password, percent-encoded', { NEW_RELIC_PROXY_HOST: 'h', NEW_RELIC_PROXY_PORT: '1', NEW_RELIC_PROXY_USER: 'al ice', NEW_RELIC_PROXY_PASS: 'p@ss:w/rd' }, 'http://al%20ice:p%40ss%3Aw%2Frd@h:1'],
  ['a user without a password', { NEW_RELIC_PROXY_HOST: 'h', NEW_RELIC_PROXY_PORT: '1', NEW_RELIC_PROXY_USER: 'bob' }, 'http://bob@h:1'],
  ['a separate scheme (INI proxy_scheme)', { NEW_RELIC_PROXY_SCHEME: 'HTTPS', NEW_RELIC_PROXY_HOST: 'h', NEW_RELIC_PROXY_PORT: '1', NEW_RELIC_CA_BUNDLE_PATH: '/ca.pem' }, 'https://h:1'],
  ['PROXY_URL beating PROXY_HOST', { NEW_RELIC_PROXY_URL: 'http://a:1', NEW_RELIC_PROXY_HOST: 'b', NEW_RELIC_PROXY_PORT: '2' }, 'http://a:1'],
];

const rejected: [string, Record<string, string>, RegExp][] = [
  ['a port that is not a number', { NEW_RELIC_PROXY_HOST: 'h', NEW_RELIC_PROXY_PORT: 'abc' }, /^NEW_RELIC_PROXY_PORT has a bad port 'abc'/],
  ['port 0', { NEW_RELIC_PROXY_URL: 'http://h:0' }, /^NEW_RELIC_PROXY_URL has a bad port '0'/],
  ['port 65536', { NEW_RELIC_PROXY_HOST: 'h:65536' }, /^NEW_RELIC_PROXY_HOST has a bad port '65536'/],
  ['a missing port', { NEW_RELIC_PROXY_HOST: 'proxy.lan' }, /^NEW_RELIC_PROXY_HOST 'proxy.lan' has no port: add :PORT or set NEW_RELIC_PROXY_PORT$/],
  ['a missing port in a URL', { NEW_RELIC_PROXY_URL: 'http://proxy.lan' }, /^NEW_RELIC_PROXY_URL 'http:\/\/proxy.lan' has no port/],
  ['a socks scheme', { NEW_RELIC_PROXY_URL: 'socks5://h:1080' }, /^NEW_RELIC_PROXY_URL has scheme 'socks5', which the agent cannot use/],
  ['a bad separate scheme', { NEW_RELIC_PROXY_SCHEME: 'ftp', NEW_RELIC_PROXY_HOST: 'h:1' }, /^NEW_RELIC_PROXY_SCHEME has scheme 'ftp'/],
  ['a path', { NEW_RELIC_PROXY_URL: 'http://h:1/x' }, /has a path, query or fragment/],
  ['a password without a user', { NEW_RELIC_PROXY_HOST: 'h:1', NEW_RELIC_PROXY_PASS: 'secret' }, /^NEW_RELIC_PROXY_PASS is set but NEW_RELIC_PROXY_USER is not/],
  ['a port without a host', { NEW_RELIC_PROXY_PORT: '3128' }, /^NEW_RELIC_PROXY_PORT is set but NEW_RELIC_PROXY_HOST is not/],
];

describe('normaliseProxy', () => {
  test.each(accepted)('accepts %s', (_what, env, url) => {
    expect(normaliseProxy(env).url).toBe(url);
  });

  test.each(rejected)('rejects %s with one message naming the setting', (_what, env, message) => {
    let err: unknown;
    try { normaliseProxy(env); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(SvrunError);
    expect((err as SvrunError).code).toBe('BAD_CONFIG');
    expect((err as SvrunError).exitCode).toBe(100);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  test('never echoes a password in a rejection', () => {
    expect(() => normaliseProxy({ NEW_RELIC_PROXY_URL: 'http://alice:hunter2@h' })).toThrow(/alice:\*\*\*\*@h/);
    expect(() => normaliseProxy({ NEW_RELIC_PROXY_URL: 'http://alice:hunter2@h' })).not.toThrow(/hunter2/);
  });

  test('warns when an https proxy has no CA, and not when it has one', () => {
    expect(normaliseProxy({ NEW_RELIC_PROXY_URL: 'https://h:1' }).warnings).toEqual([expect.stringMatching(/https but no CA is given \(NEW_RELIC_CA_BUNDLE_PATH or NEW_RELIC_CERTIFICATES\)/)]);
    expect(normaliseProxy({ NEW_RELIC_PROXY_URL: 'https://h:1', NEW_RELIC_CA_BUNDLE_PATH: '/x' }).warnings).toEqual([]);
    expect(normaliseProxy({ NEW_RELIC_PROXY_URL: 'http://h:1' }).warnings).toEqual([]);
  });

  test('no proxy settings mean no proxy', () => {
    expect(normaliseProxy({})).toEqual({ url: undefined, warnings: [] });
  });

  test('proxyDisplay drops the credentials', () => {
    expect(proxyDisplay('http://a:b@h:1')).toBe('http://h:1');
  });
});
