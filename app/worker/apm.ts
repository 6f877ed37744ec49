// Tasks as New Relic background transactions, when the agent runs in this process. The agent is
// only ever started by a preload (node -r newrelic, or a supervisor's); this module never loads
// it: it looks up the API the agent leaves in require.cache.__NR_cache, so with no agent the
// wrapper is the task itself, at no cost.
import { createRequire } from 'node:module';

interface NewRelicApi {
  startBackgroundTransaction<T>(name: string, group: string, handle: () => T): T;
}

// Tasks show as OtherTransaction/Task/<kind>.
const GROUP = 'Task';

/** The agent's API when a preload already started it here, else undefined. */
export function loadedAgent(cache: NodeJS.Require['cache'] = createRequire(import.meta.url).cache): NewRelicApi | undefined {
  const api = (cache as Record<string, unknown>).__NR_cache as Partial<NewRelicApi> | undefined;
  return typeof api?.startBackgroundTransaction === 'function' ? (api as NewRelicApi) : undefined;
}

const agent = loadedAgent();

/** Runs a task of this kind, as a background transaction named by the kind when the agent runs. */
export const traceTask: <T>(kind: string, run: () => Promise<T>) => Promise<T> = agent
  ? (kind, run) => agent.startBackgroundTransaction(kind, GROUP, run)
  : (_kind, run) => run();
