// Proxy settings in every form people write them, turned into the one form the Node agent
// handles: NEW_RELIC_PROXY_URL=http://[user:pass@]host:port. The agent turns PROXY_HOST/PORT
// into TLS-to-the-proxy, breaks on a host with a scheme, and drops a user without a password
// (docs/newrelic-node.md §3), so those variables are removed once folded into the URL.
import { SvrunError } from '../../errors.js';

/** The variables folded into NEW_RELIC_PROXY_URL and removed from the child's environment. */
export const PROXY_PARTS = [
  'NEW_RELIC_PROXY_SCHEME', 'NEW_RELIC_PROXY_HOST', 'NEW_RELIC_PROXY_PORT',
  'NEW_RELIC_PROXY_USER', 'NEW_RELIC_PROXY_PASS',
] as const;

/** The outcome: the proxy URL (undefined: no proxy) and warnings for the user. */
export interface ProxyResult {
  url: string | undefined;
  warnings: string[];
}

const SCHEMES = new Set(['http', 'https']);

/** Reads the proxy settings of env; throws SvrunError BAD_CONFIG naming the bad setting. */
export function normaliseProxy(env: Readonly<Record<string, string | undefined>>): ProxyResult {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const url = get('NEW_RELIC_PROXY_URL');
  const host = get('NEW_RELIC_PROXY_HOST');
  if (!url && !host) {
    const stray = PROXY_PARTS.filter((n) => get(n) !== undefined);
    if (stray.length > 0) throw bad(stray[0]!, 'is set but NEW_RELIC_PROXY_HOST is not: set the proxy host too, or remove it');
    return { url: undefined, warnings: [] };
  }
  const source = url ? 'NEW_RELIC_PROXY_URL' : 'NEW_RELIC_PROXY_HOST';
  const parsed = parseAddress(url ?? host!, source);
  const scheme = (parsed.scheme ?? get('NEW_RELIC_PROXY_SCHEME') ?? 'http').toLowerCase();
  if (!SCHEMES.has(scheme)) {
    const where = parsed.scheme ? source : 'NEW_RELIC_PROXY_SCHEME';
    throw bad(where, `has scheme '${scheme}', which the agent cannot use: write http or https`);
  }
  let port = parsed.port;
  if (port === undefined) {
    const separate = get('NEW_RELIC_PROXY_PORT');
    if (separate === undefined) throw bad(source, `${show(url ?? host!)} has no port: add :PORT or set NEW_RELIC_PROXY_PORT`);
    port = checkPort(separate, 'NEW_RELIC_PROXY_PORT');
  }
  // Credentials in the URL are already percent-encoded; the separate ones are raw text.
  let user = parsed.user;
  let pass = parsed.pass;
  if (user === undefined && pass === undefined) {
    const u = get('NEW_RELIC_PROXY_USER');
    const p = env.NEW_RELIC_PROXY_PASS; // a password may be spaces; only '' means unset
    if (p && u === undefined) throw bad('NEW_RELIC_PROXY_PASS', 'is set but NEW_RELIC_PROXY_USER is not: set the user too');
    if (u !== undefined) user = encodeURIComponent(u);
    if (p) pass = encodeURIComponent(p);
  }
  const auth = user !== undefined ? `${user}${pass !== undefined ? `:${pass}` : ''}@` : '';
  const warnings: string[] = [];
  if (scheme === 'https' && !get('NEW_RELIC_CA_BUNDLE_PATH') && !get('NEW_RELIC_CERTIFICATES')) {
    warnings.push('the proxy is https but no CA is given (NEW_RELIC_CA_BUNDLE_PATH or NEW_RELIC_CERTIFICATES): the agent will trust no certificate on the hop to the proxy; set one, or use an http proxy');
  }
  return { url: `${scheme}://${auth}${parsed.host}:${port}`, warnings };
}

/** Where a proxy URL points, without credentials ("http://host:port"), for messages. */
export function proxyDisplay(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

interface Address {
  scheme?: string;
  user?: string;
  pass?: string;
  host: string;
  port?: number;
}

// "http://u:p@h:1", "h:1", "h", "[::1]:1", "::1" (bare IPv6, port given separately).
function parseAddress(text: string, name: string): Address {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    // a bare IPv6 address cannot carry a port; anything else parses as an http URL
    if ((text.match(/:/g) ?? []).length > 1 && !text.startsWith('[')) return { host: `[${text}]` };
    const { scheme: _implied, ...rest } = parseAddress(`http://${text}`, name);
    return rest;
  }
  const hostPart = text.replace(/^[^/]*\/\/([^@/]*@)?/, '');
  const portText = /:([^:\]/@]*)\/?$/.exec(hostPart)?.[1];
  if (portText !== undefined) checkPort(portText, name);
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw bad(name, `${show(text)} is not a valid proxy address: write http://host:port`);
  }
  if ((u.pathname !== '' && u.pathname !== '/') || u.search || u.hash) {
    throw bad(name, `${show(text)} has a path, query or fragment: write only scheme://host:port`);
  }
  if (!u.hostname) throw bad(name, `${show(text)} has no host`);
  return {
    scheme: u.protocol.slice(0, -1),
    host: u.hostname,
    // URL hides a scheme's default port (http://h:80 has port ''), so read it from the text
    ...(portText !== undefined ? { port: Number(portText) } : {}),
    ...(u.username ? { user: u.username } : {}),
    ...(u.password ? { pass: u.password } : {}),
  };
}

function checkPort(text: string, name: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 65535)) throw bad(name, `has a bad port '${text}': write a number from 1 to 65535`);
  return n;
}

// Never echo a password back: "http://alice:****@host".
function show(text: string): string {
  return `'${text.replace(/(\/\/[^:@/]*):[^@/]*@/, '$1:****@')}'`;
}

function bad(name: string, what: string): SvrunError {
  return new SvrunError('BAD_CONFIG', `${name} ${what}`);
}
