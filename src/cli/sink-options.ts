import type { KubetrailConfig } from '../config/config.js';
import type { SinkOptions } from '../export/create-sink.js';
import type { Logger } from './log.js';

/** The sink options for `config`: the one mapping from configuration to the export edge. */
export function sinkOptions(config: KubetrailConfig, log: Logger, version?: string): SinkOptions {
  return {
    exporter: config.exporter,
    ...(config.output === undefined ? {} : { output: config.output }),
    connection: {
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      ...(config.insecure === undefined ? {} : { insecure: config.insecure }),
      ...(config.tlsCa === undefined ? {} : { tlsCa: config.tlsCa }),
      ...(config.tlsCert === undefined ? {} : { tlsCert: config.tlsCert }),
      ...(config.tlsKey === undefined ? {} : { tlsKey: config.tlsKey }),
      headers: config.headers,
    },
    resourceAttributes: config.resourceAttributes,
    ...(config.serviceName === undefined ? {} : { serviceName: config.serviceName }),
    sampling: {
      samplingRatePerMillion: config.samplingRatePerMillion,
      keepErrors: config.keepErrors,
      slowTraceMs: config.slowTraceMs,
    },
    maxQueueSize: config.exportQueueSize,
    ...(version === undefined ? {} : { scopeVersion: version }),
    log: (msg, fields) => log.warn(msg, fields),
  };
}
