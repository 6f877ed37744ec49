// Worker process entry: open the backends named by env, consume until SIGTERM, exit 0.
import { readConfig, maskUrl } from '../config.js';
import { makeLogger } from '../log.js';
import { openCache } from '../cache/open.js';
import { openBroker } from '../queue/open.js';
import { openStore } from '../store/open.js';
import { Worker } from './worker.js';

const log = makeLogger('worker');
try {
  const cfg = readConfig();
  const cache = openCache(cfg.cacheUrl, log);
  const store = openStore(cfg.databaseUrl, cfg.dataDir, log);
  const broker = openBroker(cfg.brokerUrl, cfg.dataDir, log);
  const worker = new Worker(broker, store, cache, log, cfg.maxTries);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: finishing the current task');
    void worker.stop(cfg.stopTimeoutMs)
      .then(() => Promise.all([broker.close(), store.close(), cache.close()]))
      .then(() => { log.info('stopped'); process.exitCode = 0; }, (err: unknown) => { log.error({ err }, 'unclean stop'); process.exitCode = 0; })
      .finally(() => setTimeout(() => process.exit(), 0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await worker.start();
  log.info({ broker: maskUrl(cfg.brokerUrl), database: maskUrl(cfg.databaseUrl), cache: maskUrl(cfg.cacheUrl) }, 'worker ready');
} catch (err) {
  log.fatal((err as Error).message);
  process.exitCode = 111;
}
