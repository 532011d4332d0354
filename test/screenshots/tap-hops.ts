/**
 * Tap mode's two hops, from a live rollout on the local stack: kubetrail runs
 * with its tap on (forwarding to Jaeger), the apiserver's tracing points at the
 * tap, and a 3-replica Deployment gets `kubectl set image`. Then Jaeger holds
 * the PATCH's own trace with kubetrail's back-link span in it, and kubetrail's
 * rollout whose root links to the PATCH. Both shots open the linking span's
 * details, where Jaeger's UI lists the link.
 */
import {
  ensureCluster,
  eventually,
  type JaegerSpan,
  jaegerSpans,
  jaegerTrace,
  jaegerUiWarnings,
} from '../cluster/cluster.js';
import { freePort, startKubetrail } from '../e2e/kubetrail-process.js';
import { apiserverTracingTo, rolloutStatus } from '../e2e/tap-stack.js';
import { createNamespace, deployment } from '../e2e/workloads.js';
import type { Shot, ShownTrace } from './shot.js';

interface Hops {
  readonly request: ShownTrace;
  readonly rollout: ShownTrace;
}

/** The whole trace `traceId` once Jaeger has had it for a while without it growing (spans come in batches). */
async function settledTrace(jaegerUrl: string, traceId: string): Promise<JaegerSpan[]> {
  let last = -1;
  return eventually(`trace ${traceId} in Jaeger, settled`, 60_000, async () => {
    const spans = (await jaegerTrace(jaegerUrl, traceId)) ?? [];
    const settled = spans.length > 0 && spans.length === last;
    last = spans.length;
    if (!settled) await new Promise((r) => setTimeout(r, 2_000));
    return settled ? spans : undefined;
  });
}

/** Jaeger's UI lists a span's parent and links under References; one line each. */
const REFERENCE_PX = 52;

/** The trace, found at `spanId`, whose References are opened for the picture. */
function shown(spans: readonly JaegerSpan[], traceId: string, spanId: string): ShownTrace {
  const span = spans.find((s) => s.spanId === spanId);
  const references = (span?.links?.length ?? 0) + (span?.parentSpanId ? 1 : 0);
  return {
    traceId,
    spanCount: spans.length,
    highlight: [spanId],
    parents: spans.map((s) => [s.spanId, s.parentSpanId]),
    script: {
      ready: "document.querySelector('.AccordianReferences--header')",
      run: "document.querySelectorAll('.AccordianReferences--header').forEach((h) => h.click())",
      extraHeightPx: REFERENCE_PX * references,
    },
  };
}
async function liveTapRollout(jaegerUrl: string): Promise<Hops> {
  const cluster = await ensureCluster();
  const tap = `127.0.0.1:${await freePort()}`;
  const ns = `shot-tap-${Date.now().toString(36)}`;
  const kt = await startKubetrail(cluster, [
    '--namespace',
    ns,
    '--tap-listen',
    tap,
    '--endpoint',
    '127.0.0.1:4317',
    '--settle-ms',
    '2000',
  ]);
  try {
    await apiserverTracingTo(tap);
    await createNamespace(cluster, ns);
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], deployment('web', 3));
    await rolloutStatus(cluster, ns, 'web');
    const since = new Date(Date.now() - 5_000);
    await cluster.kubectl(['set', 'image', '-n', ns, 'deployment/web', 'app=kubetrail.invalid/web:2']);
    await rolloutStatus(cluster, ns, 'web');
    const back = await eventually("kubetrail's back-link span in the PATCH's trace", 90_000, async () =>
      (await jaegerSpans(jaegerUrl, 'kubetrail', since))?.find(
        (s) => s.name === 'kubetrail Deployment.Update' && s.attributes['k8s.namespace.name'] === ns,
      ),
    );
    const root = back.links?.[0];
    if (root === undefined) throw new Error(`the back-link span ${back.spanId} has no link`);
    const requestSpans = await settledTrace(jaegerUrl, back.traceId);
    const warnings = await jaegerUiWarnings(jaegerUrl, back.traceId, back.spanId);
    if (warnings === undefined || warnings.length > 0)
      throw new Error(
        `Jaeger shows Warnings on the back-link span ${back.spanId}: ${JSON.stringify(warnings)}`,
      );
    const rolloutSpans = await settledTrace(jaegerUrl, root.traceId);
    return {
      request: shown(requestSpans, back.traceId, back.spanId),
      rollout: shown(rolloutSpans, root.traceId, root.spanId),
    };
  } finally {
    await kt.stop();
    await apiserverTracingTo(undefined);
    await cluster.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  }
}

let hops: Promise<Hops> | undefined;
/** One live run for both shots. */
function tapHops(jaegerUrl: string): Promise<Hops> {
  hops ??= liveTapRollout(jaegerUrl);
  return hops;
}

/** The two hops as shots; each needs the whole local stack, not only Jaeger. */
export const TAP_HOP_SHOTS: readonly Shot[] = [
  {
    name: 'tap-hop-request',
    title:
      "The way back: kubectl set image's PATCH in the apiserver's own trace, with kubetrail's span that links to the rollout",
    trace: async (jaegerUrl) => (await tapHops(jaegerUrl)).request,
  },
  {
    name: 'tap-hop-rollout',
    title: "The way there: the rollout's root in kubetrail's trace, linked to the apiserver's PATCH",
    trace: async (jaegerUrl) => (await tapHops(jaegerUrl)).rollout,
  },
];
