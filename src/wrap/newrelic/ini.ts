// The Python agent's newrelic.ini, read as NEW_RELIC_* variables for the Node agent, so a
// service can keep the file its Python siblings use. Only [newrelic] and the
// [newrelic:ENVIRONMENT] section named by NEW_RELIC_ENVIRONMENT are read; the other sections
// (import-hook:, function-trace:, …) configure Python instrumentation and have no Node meaning.
import { SvrunError } from '../../errors.js';

/** The translation: variables to set, and one warning per setting that could not be carried over. */
export interface IniResult {
  env: Record<string, string>;
  warnings: string[];
}

// Python setting → Node variable. Booleans are rewritten to true/false: Python reads
// on/off/yes/no, but the Node agent takes "off" as true (docs/newrelic-node.md §2.2).
const STRINGS: Record<string, string> = {
  license_key: 'NEW_RELIC_LICENSE_KEY',
  app_name: 'NEW_RELIC_APP_NAME',
  log_file: 'NEW_RELIC_LOG',
  labels: 'NEW_RELIC_LABELS',
  host: 'NEW_RELIC_HOST',
  port: 'NEW_RELIC_PORT',
  proxy_scheme: 'NEW_RELIC_PROXY_SCHEME',
  proxy_host: 'NEW_RELIC_PROXY_HOST',
  proxy_port: 'NEW_RELIC_PROXY_PORT',
  proxy_user: 'NEW_RELIC_PROXY_USER',
  proxy_pass: 'NEW_RELIC_PROXY_PASS',
  ca_bundle_path: 'NEW_RELIC_CA_BUNDLE_PATH',
  'process_host.display_name': 'NEW_RELIC_PROCESS_HOST_DISPLAY_NAME',
};
const BOOLEANS: Record<string, string> = {
  monitor_mode: 'NEW_RELIC_ENABLED',
  high_security: 'NEW_RELIC_HIGH_SECURITY',
  'distributed_tracing.enabled': 'NEW_RELIC_DISTRIBUTED_TRACING_ENABLED',
  'span_events.enabled': 'NEW_RELIC_SPAN_EVENTS_ENABLED',
  'transaction_events.enabled': 'NEW_RELIC_TRANSACTION_EVENTS_ENABLED',
  'transaction_tracer.enabled': 'NEW_RELIC_TRACER_ENABLED',
  'error_collector.enabled': 'NEW_RELIC_ERROR_COLLECTOR_ENABLED',
  'application_logging.enabled': 'NEW_RELIC_APPLICATION_LOGGING_ENABLED',
  'application_logging.forwarding.enabled': 'NEW_RELIC_APPLICATION_LOGGING_FORWARDING_ENABLED',
  'custom_insights_events.enabled': 'NEW_RELIC_CUSTOM_INSIGHTS_EVENTS_ENABLED',
};
// Python's logging levels by the Node agent's names.
const LOG_LEVELS: Record<string, string> = {
  critical: 'fatal', error: 'error', warning: 'warn', warn: 'warn', info: 'info', debug: 'debug',
};
const TRUE = new Set(['true', 'on', 'yes', '1']);
const FALSE = new Set(['false', 'off', 'no', '0']);

/** Parses INI text into sections of key → value (configparser rules: '#'/';' comments, indented continuation lines). */
export function parseIni(text: string, file = 'newrelic.ini'): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*([#;]|$)/.test(raw)) return;
    if (/^\s/.test(raw) && current && lastKey !== undefined) {
      current.set(lastKey, `${current.get(lastKey)}\n${raw.trim()}`);
      return;
    }
    const head = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (head) {
      const name = head[1]!.trim();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      lastKey = undefined;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!kv || !current) {
      throw new SvrunError('BAD_CONFIG', `${file}: line ${i + 1}: expected [section] or key = value, got '${raw.slice(0, 40)}'`);
    }
    lastKey = kv[1]!.toLowerCase();
    current.set(lastKey, kv[2]!.trim());
  });
  return sections;
}

/** Translates INI text to NEW_RELIC_* variables; environment selects [newrelic:ENVIRONMENT]. */
export function iniToEnv(text: string, environment?: string, file = 'newrelic.ini'): IniResult {
  const sections = parseIni(text, file);
  const base = sections.get('newrelic');
  if (!base) throw new SvrunError('BAD_CONFIG', `${file}: no [newrelic] section: the agent settings go under [newrelic]`);
  const warnings: string[] = [];
  const settings = new Map(base);
  if (environment) {
    const over = sections.get(`newrelic:${environment}`);
    if (over) for (const [k, v] of over) settings.set(k, v);
    else warnings.push(`${file}: NEW_RELIC_ENVIRONMENT is '${environment}' but there is no [newrelic:${environment}] section; using [newrelic] alone`);
  }
  const env: Record<string, string> = {};
  for (const [key, value] of settings) {
    if (value === '') continue; // Python treats an empty value as unset too
    const where = `${file}: ${key}`;
    if (STRINGS[key]) {
      env[STRINGS[key]] = value;
    } else if (BOOLEANS[key]) {
      const v = value.toLowerCase();
      if (TRUE.has(v)) env[BOOLEANS[key]] = 'true';
      else if (FALSE.has(v)) env[BOOLEANS[key]] = 'false';
      else throw new SvrunError('BAD_CONFIG', `${where} is '${value}': write true or false`);
    } else if (key === 'log_level') {
      const level = LOG_LEVELS[value.toLowerCase()];
      if (!level) throw new SvrunError('BAD_CONFIG', `${where} is '${value}': write one of critical, error, warning, info, debug`);
      env.NEW_RELIC_LOG_LEVEL = level;
    } else {
      warnings.push(`${where} has no Node agent equivalent here; ignored`);
    }
  }
  return { env, warnings };
}
