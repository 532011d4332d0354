/**
 * Records a tap fixture from the local control plane: kubetrail with its tap
 * on (forwarding to Jaeger) and --record, the apiserver's tracing pointed at
 * it, and a scenario: `rollout` (the tap scenario, the default) or `drain`
 * (two Deployments on one kwok Node, `kubectl drain`, uncordon). Hold /work's
 * cluster lock while it runs:
 *
 *   node dist/test/e2e/record-tap-fixture.js OUT.jsonl [rollout|drain]
 *
 * It restores the apiserver's tracing to Jaeger at the end.
 */
import { ensureCluster, eventually } from '../cluster/cluster.js';
import { freePort, startKubetrail } from './kubetrail-process.js';
import { apiserverTracingTo, drainScenario, tapScenario } from './tap-stack.js';
import { createNamespace } from './workloads.js';

const out = process.argv[2];
const scenario = process.argv[3] ?? 'rollout';
if (!out || (scenario !== 'rollout' && scenario !== 'drain')) {
  throw new Error('usage: record-tap-fixture.js OUT.jsonl [rollout|drain]');
}
const cluster = await ensureCluster();
const tapPort = await freePort();
const ns = `${scenario === 'drain' ? 'drain' : 'tap'}-${Date.now().toString(36)}`;
const kt = await startKubetrail(cluster, [
  '--namespace',
  ns,
  '--tap-listen',
  `127.0.0.1:${tapPort}`,
  '--endpoint',
  '127.0.0.1:4317',
  '--record',
  out,
  '--settle-ms',
  '2000',
  // Each delta observed as it arrives, as record:scenarios records (test/scenarios/record.ts).
  '--watch-read-window-ms',
  '0',
]);
try {
  await apiserverTracingTo(`127.0.0.1:${tapPort}`);
  await createNamespace(cluster, ns);
  if (scenario === 'drain') await drainScenario(cluster, ns);
  else await tapScenario(cluster, ns, 'web');
  // The apiserver batches spans for up to 5 s.
  const before = await kt.metric('kubetrail_tap_spans_received_total');
  await eventually('late spans', 30_000, async () =>
    (await kt.metric('kubetrail_tap_spans_received_total')) > before ? true : undefined,
  );
  await new Promise((r) => setTimeout(r, 7_000));
} finally {
  console.log(await kt.metrics().then((m) => m.split('\n').filter((l) => l.startsWith('kubetrail_tap'))));
  await kt.stop();
  await apiserverTracingTo(undefined);
  await cluster.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
}
