// Every default svrun uses, in one place. Per-service files of the same name (in the service
// dir, s6-style: one value per file) override the service-level ones; see src/supervisor/config.ts.

export const defaults = Object.freeze({
  /** Restart no sooner than this after the previous start (runsv sleeps 1 s if run lived less). */
  throttleMs: 1000,
  /** A run that lived at least this long is not a crash: it resets the crash-loop count
   *  (supervisord's startsecs and PM2's min_uptime are 1 s too). */
  stableMs: 1000,
  /** Cap on the exponential restart delay of a crash-looping service. */
  backoffMaxMs: 30_000,
  /** Consecutive quick deaths after which a service is marked failed (0: retry forever, as runit). */
  failAfter: 5,
  /** After the down signal, SIGKILL the process group if run has not exited (supervisord: stopwaitsecs 10). */
  killTimeoutMs: 10_000,
  /** A finish script is SIGKILLed after this long (s6: timeout-finish 5000). */
  finishTimeoutMs: 5_000,
  /** Debounce of env/ and .env changes before the service is restarted. */
  envDebounceMs: 300,
  /** Readiness: how often svrun runs ./check while a service is not yet ready. */
  checkIntervalMs: 100,
});
