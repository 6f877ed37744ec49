// `svrun newrelic validate`: the settings, then each network hop the agent will use, in
// order (proxy, CONNECT, TLS with the collector), with the same trust the agent applies, so a
// failure names the hop that breaks rather than "Unexpected error communicating with New Relic".
import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { SvrunError } from '../../errors.js';
import { proxyDisplay } from './proxy.js';
import { requireEnabled, settingsFor } from './run.js';

/** Per-hop deadline: long enough for a slow proxy, short enough for a person waiting. */
const HOP_TIMEOUT_MS = 10_000;

/** Checks the settings and the path to the collector; resolves to 0, or throws naming the failing hop. */
export async function validate(serviceDir: string | undefined, inherited: NodeJS.ProcessEnv, out: (s: string) => void, warn: (w: string) => void): Promise<number> {
  const s = await settingsFor(serviceDir, inherited);
  for (const w of s.warnings) warn(w);
  requireEnabled(s);
  out(`ok: settings of ${s.name}${s.jsConfig ? ` (host and proxy in ${s.jsConfig} are not read here)` : ''}\n`);
  const env = s.env;
  const host = env.NEW_RELIC_HOST?.trim() || collectorFor(env.NEW_RELIC_LICENSE_KEY ?? '');
  const port = Number(env.NEW_RELIC_PORT?.trim() || 443);
  const target = `${host}:${port}`;
  const certificates = env.NEW_RELIC_CERTIFICATES?.trim() ? [env.NEW_RELIC_CERTIFICATES] : [];
  const extra = env.NODE_EXTRA_CA_CERTS?.trim() ? readExtra(env.NODE_EXTRA_CA_CERTS) : [];
  const proxyUrl = env.NEW_RELIC_PROXY_URL;
  let tunnel: Socket | undefined;
  if (proxyUrl) {
    const proxy = new URL(proxyUrl);
    const where = `proxy ${proxyDisplay(proxyUrl)}`;
    const pport = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
    const phost = proxy.hostname.replace(/^\[|\]$/g, '');
    // As the agent: TLS to an https proxy trusts only `certificates` (ca: [] trusts nothing).
    const sock = await hop(where, proxy.protocol === 'https:'
      ? tlsConnect({ host: phost, port: pport, ca: certificates, servername: phost }, () => {})
      : netConnect({ host: phost, port: pport }), proxy.protocol === 'https:' ? 'secureConnect' : 'connect');
    out(`ok: ${where} accepts connections\n`);
    const auth = proxy.username
      ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}\r\n`
      : '';
    const status = await connectThrough(sock, target, auth, where);
    out(`ok: ${where} opened a tunnel to ${target} (${status})\n`);
    tunnel = sock;
  }
  // Direct, the agent passes `certificates` as ca (replacing the roots); through a proxy it
  // does not, and Node's roots plus NODE_EXTRA_CA_CERTS apply (docs/newrelic-node.md §3).
  const ca = !tunnel && certificates.length ? certificates : [...rootCertificates, ...extra];
  const opts: ConnectionOptions = { ca, servername: host, ...(tunnel ? { socket: tunnel } : { host, port }) };
  const tls = await hop(`TLS handshake with the collector ${target}${tunnel ? ' through the proxy' : ''}`, tlsConnect(opts), 'secureConnect') as TLSSocket;
  const cn = tls.getPeerCertificate()?.subject?.CN;
  tls.destroy();
  out(`ok: TLS handshake with the collector ${target}${cn ? ` (certificate CN=${cn})` : ''}\n`);
  return 0;
}

/** The collector a license key reports to: a key starting "<region>x" names its region. */
export function collectorFor(key: string): string {
  const region = /^([a-z]{2,3}\d{2})x/i.exec(key.trim())?.[1];
  return region ? `collector.${region.toLowerCase()}.nr-data.net` : 'collector.newrelic.com';
}

function hop<T extends Socket>(what: string, sock: T, ready: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      sock.destroy();
      reject(new SvrunError('SYSTEM', `unable to reach the collector: ${what}: ${why}`));
    };
    const timer = setTimeout(() => fail(`no answer in ${HOP_TIMEOUT_MS / 1000}s`), HOP_TIMEOUT_MS);
    sock.once('error', (err: NodeJS.ErrnoException) => { clearTimeout(timer); fail(err.code ? `${err.code} ${err.message}` : err.message); });
    sock.once(ready, () => { clearTimeout(timer); sock.removeAllListeners('error'); sock.on('error', () => {}); resolve(sock); });
  });
}

// Sends CONNECT and reads the proxy's status line; resolves to it when 2xx.
function connectThrough(sock: Socket, target: string, auth: string, where: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let head = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      sock.off('data', onData);
      sock.destroy();
      reject(new SvrunError('SYSTEM', `unable to reach the collector: ${where}: CONNECT ${target}: ${why}`));
    };
    const timer = setTimeout(() => fail(`no answer in ${HOP_TIMEOUT_MS / 1000}s`), HOP_TIMEOUT_MS);
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const line = head.slice(0, head.indexOf('\r\n'));
      const m = /^HTTP\/\d(?:\.\d)? (\d{3})\s*(.*)$/.exec(line);
      if (!m) return fail(`not an HTTP answer: '${line.slice(0, 60)}'`);
      if (!m[1]!.startsWith('2')) {
        return fail(`refused: ${m[1]} ${m[2]}${m[1] === '407' ? ' (check NEW_RELIC_PROXY_USER/PASS)' : ''}`);
      }
      clearTimeout(timer);
      sock.off('data', onData);
      sock.off('close', onClose);
      resolve(`${m[1]} ${m[2]}`.trim());
    };
    const onClose = () => fail('the proxy closed the connection');
    sock.on('data', onData);
    sock.once('close', onClose);
    sock.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
  });
}

function readExtra(path: string): string[] {
  try {
    return [readFileSync(path, 'utf8')];
  } catch {
    return [];
  }
}
