// New Relic, when the agent runs in this process: tasks as background transactions, linked to
// the web request that queued them by distributed-trace headers carried in the job. The agent
// is only ever started by a preload (node -r newrelic, or a supervisor's); this module never
// loads it: it looks up the API the agent leaves in require.cache.__NR_cache, so with no agent
// the wrappers are the plain calls, at no cost.
import { createRequire } from 'node:module';

/** Trace context as HTTP-style headers (traceparent, tracestate, newrelic). */
export type TraceHeaders = Record<string, string>;

interface NewRelicApi {
  startBackgroundTransaction<T>(name: string, group: string, handle: () => T): T;
  getTransaction(): {
    insertDistributedTraceHeaders(headers: TraceHeaders): void;
    acceptDistributedTraceHeaders(transportType: string, headers: TraceHeaders): void;
  };
}

// Tasks show as OtherTransaction/Task/<kind>.
const GROUP = 'Task';

/** The agent's API when a preload already started it here, else undefined. */
export function loadedAgent(cache: NodeJS.Require['cache'] = createRequire(import.meta.url).cache): NewRelicApi | undefined {
  const api = (cache as Record<string, unknown>).__NR_cache as Partial<NewRelicApi> | undefined;
  return typeof api?.startBackgroundTransaction === 'function' && typeof api.getTransaction === 'function' ? (api as NewRelicApi) : undefined;
}

const agent = loadedAgent();

/** The trace context of the current transaction (the web request), to travel with a job. */
export function traceHeaders(): TraceHeaders | undefined {
  if (!agent) return undefined;
  const headers: TraceHeaders = {};
  agent.getTransaction().insertDistributedTraceHeaders(headers);
  return Object.keys(headers).length ? headers : undefined;
}

/** Runs a task of this kind as a background transaction named by the kind, continuing trace. */
export const traceTask: <T>(kind: string, run: () => Promise<T>, trace?: TraceHeaders) => Promise<T> = agent
  ? (kind, run, trace) => agent.startBackgroundTransaction(kind, GROUP, () => {
    if (trace) agent.getTransaction().acceptDistributedTraceHeaders('Queue', trace);
    return run();
  })
  : (_kind, run) => run();
