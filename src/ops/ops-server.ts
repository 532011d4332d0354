/**
 * The operations endpoint: /healthz (the process is alive and its loops turn),
 * /readyz (the caller decides: in live mode, every watched collection has listed or
 * been refused by RBAC), /metrics.
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** What the probes ask. */
export interface OpsProbes {
  /** Liveness: a reason when unhealthy, undefined when healthy. */
  readonly health: () => string | undefined;
  /** Readiness: a reason when not ready, undefined when ready. */
  readonly ready: () => string | undefined;
}

/** Error starting the endpoint, with a stable code. */
export class OpsServerError extends Error {
  override readonly name = 'OpsServerError';
  readonly code = 'ERR_OPS_LISTEN';
}

/** Parses `host:port` or `:port`. */
export function parseListenAddress(addr: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(addr);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OpsServerError(`metrics address "${addr}": expected host:port or :port`);
  }
  return { host: (m[1] ?? '').replace(/^\[(.*)\]$/, '$1') || '0.0.0.0', port };
}

/** Serves the probes and metrics; resolves once listening. */
export async function startOpsServer(addr: string, registry: Registry, probes: OpsProbes): Promise<Server> {
  const { host, port } = parseListenAddress(addr);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const probe = path === '/healthz' ? probes.health : path === '/readyz' ? probes.ready : undefined;
    if (probe) {
      const problem = probe();
      res.writeHead(problem ? 503 : 200, { 'Content-Type': 'text/plain' });
      res.end(problem ?? 'ok');
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        },
      );
      return;
    }
    res.writeHead(404);
    res.end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new OpsServerError(`cannot listen on ${addr}: ${err.message}`, { cause: err })),
    );
    server.listen(port, host, resolve);
  });
  return server;
}
