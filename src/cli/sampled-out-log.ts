import type { KubetrailConfig } from '../config/config.js';
import type { Logger } from './log.js';

/**
 * Says how many traces sampling dropped and why. Without it, a rate below one million
 * (an apiserver TracingConfiguration's 10000, say) prints nothing and exits 0.
 */
export function logSampledOut(
  log: Logger,
  config: Pick<KubetrailConfig, 'samplingRatePerMillion' | 'keepErrors' | 'slowTraceMs'>,
  counters: { readonly tracesKept: number; readonly tracesSampledOut: number },
): void {
  const total = counters.tracesKept + counters.tracesSampledOut;
  const fields = {
    tracesSampledOut: counters.tracesSampledOut,
    tracesKept: counters.tracesKept,
    samplingRatePerMillion: config.samplingRatePerMillion,
    keepErrors: config.keepErrors,
    slowTraceMs: config.slowTraceMs,
    hint: '--sampling-rate-per-million 1000000 keeps every trace',
  };
  const message =
    `${counters.tracesSampledOut} of ${total} traces sampled out: samplingRatePerMillion ` +
    `${config.samplingRatePerMillion} keeps that share of healthy traces, by trace id`;
  // Nothing was printed at all: a warning, so it shows at every log level but error.
  if (counters.tracesKept === 0) log.warn(message, fields);
  else log.info(message, fields);
}
