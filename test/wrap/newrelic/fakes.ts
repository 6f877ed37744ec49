// Loopback stand-ins for New Relic: an HTTPS collector with a self-signed CA made by openssl
// (answers as docs/newrelic-node.md §4 says) and an HTTP CONNECT proxy. Both run inside the
// test process and are closed when the test ends.
import { execFileSync } from 'node:child_process';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { tempDir } from '../../helpers/fs.js';

/** The variables that keep the agent from probing cloud metadata endpoints (off-loopback traffic). */
export const NO_CLOUD: Record<string, string> = Object.fromEntries(
  ['AWS', 'AZURE', 'GCP', 'PCF', 'DOCKER', 'KUBERNETES', 'AZUREFUNCTION'].map((c) => [`NEW_RELIC_UTILIZATION_DETECT_${c}`, 'false']),
);

/** A self-signed certificate for localhost and 127.0.0.1, trusted as its own CA. */
export function selfSigned(): { cert: string; key: string; certPath: string } {
  const dir = tempDir('svrun-nr-ca-');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), certPath };
}

/** One agent call the collector received. */
export interface Call { method: string; body: unknown; licenseKey: string | null }

/** A running fake collector. */
export interface Collector { port: number; calls: Call[]; certPath: string; named(method: string): Call[] }

/** Starts the fake collector on 127.0.0.1. */
export async function fakeCollector(): Promise<Collector> {
  const tls = selfSigned();
  const calls: Call[] = [];
  let port = 0;
  const server = createHttps({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://x');
      const method = url.searchParams.get('method') ?? '';
      let raw = Buffer.concat(chunks);
      const enc = req.headers['content-encoding'];
      if (enc === 'gzip') raw = gunzipSync(raw);
      else if (enc === 'deflate') raw = inflateSync(raw);
      let body: unknown = null;
      try { body = JSON.parse(raw.toString() || 'null'); } catch { body = raw.toString(); }
      calls.push({ method, body, licenseKey: url.searchParams.get('license_key') });
      const value = method === 'preconnect' ? { redirect_host: `localhost:${port}` }
        // account and application ids: without them the agent makes no distributed-trace headers
        : method === 'connect' ? { agent_run_id: `run-${calls.length}`, account_id: '1', trusted_account_key: '1', primary_application_id: `${calls.length}` }
        : {};
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ return_value: value }));
    });
  });
  port = await listen(server);
  return { port, calls, certPath: tls.certPath, named: (m) => calls.filter((c) => c.method === m) };
}

/** A running CONNECT proxy: what it was asked, by whom. */
export interface Proxy { port: number; connects: { target: string; auth: string | null }[] }

/** Starts an HTTP proxy that tunnels CONNECT, or refuses it with refuse (e.g. '403 Forbidden'). */
export async function connectProxy(opts: { refuse?: string } = {}): Promise<Proxy> {
  const connects: Proxy['connects'] = [];
  const sockets = new Set<Socket>();
  const server = createHttp((_req, res) => { res.statusCode = 405; res.end(); });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    connects.push({ target: req.url ?? '', auth: (req.headers['proxy-authorization'] as string | undefined) ?? null });
    if (opts.refuse) {
      client.end(`HTTP/1.1 ${opts.refuse}\r\n\r\n`);
      return;
    }
    const [host, port] = splitTarget(req.url ?? '');
    const upstream = connect({ host, port }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    const close = () => { client.destroy(); upstream.destroy(); };
    upstream.on('error', close);
    client.on('error', close);
    upstream.on('close', close);
    client.on('close', close);
  });
  const port = await listen(server, () => { for (const s of sockets) s.destroy(); });
  return { port, connects };
}

/** A port nothing listens on (bound, then closed). */
export async function deadPort(): Promise<number> {
  const s = createHttp();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function splitTarget(target: string): [string, number] {
  const i = target.lastIndexOf(':');
  return [target.slice(0, i).replace(/^\[|\]$/g, ''), Number(target.slice(i + 1))];
}

async function listen(server: Server, beforeClose?: () => void): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(async () => {
    beforeClose?.();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as AddressInfo).port;
}
