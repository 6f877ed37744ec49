// Web process entry: open the backends named by env, listen on $PORT, close on SIGTERM, exit 0.
import { readConfig } from '../config.js';
import { makeLogger } from '../log.js';
import { openCache } from '../cache/open.js';
import { openBroker } from '../queue/open.js';
import { openOutbox } from '../queue/outbox.js';
import { openStore } from '../store/open.js';
import { buildServer } from './server.js';

const log = makeLogger('web');
try {
  const cfg = readConfig();
  const warn = (msg: string) => log.warn(msg);
  const store = openStore(cfg.databaseUrl, cfg.dataDir, log);
  const broker = openBroker(cfg.brokerUrl, cfg.dataDir, log);
  const deps = { cache: openCache(cfg.cacheUrl, log), store, broker, outbox: openOutbox(broker, store, warn), warn };
  const app = buildServer(cfg, deps, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: closing the server');
    void app.close()
      .then(() => deps.outbox?.drain(2000))
      .then(() => Promise.all([deps.broker.close(), deps.store.close(), deps.cache.close()]))
      .then(() => log.info('stopped'), (err: unknown) => log.error({ err }, 'unclean stop'))
      // open backend sockets (a reconnecting broker) must not keep a stopped server alive
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await app.listen({ port: cfg.port, host: cfg.host });
  log.info(`dashboard: http://${cfg.host}:${cfg.port}/`);
} catch (err) {
  log.fatal((err as Error).message);
  process.exitCode = 111;
}
