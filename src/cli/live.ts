import type { KubetrailConfig } from '../config/config.js';
import type { Logger } from './log.js';

/**
 * Live mode: watch the cluster and export traces until SIGTERM. A placeholder until
 * the kube source is wired in; it resolves to the process exit code.
 */
export async function runLive(_config: KubetrailConfig, _log: Logger, _version: string): Promise<number> {
  process.stderr.write('live mode: not yet implemented\n');
  return 2;
}
