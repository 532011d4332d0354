/**
 * The correlation stage: between assembly and export, it adds span links from
 * kubetrail's spans to the control plane's own (the apiserver requests that made
 * an intent or performed an action, the kubelet's spans of a Pod), and one
 * back-link span into each intent request's trace. Pure: it is given the time.
 *
 * The apiserver batches its spans for up to 5 s, so every trace is held for
 * `holdMs` after assembly emitted it before it is linked: a request that
 * arrives late still gets its link. A link is made on exact identity only;
 * when several requests match, each is linked and flagged ambiguous; when none
 * does, there is no link.
 */
import * as A from '../model/attributes.js';
import { backLinkSpanIdOf } from '../model/ids.js';
import type { SpanLinkRecord, SpanRecord, TraceRecord } from '../model/span-record.js';
import type { TapSpan } from '../model/tap-span.js';
import type { ApiRequest } from './api-request.js';
import { insideParent } from './inside-parent.js';
import { KubeletSpanIndex, MAX_KUBELET_SPANS_PER_POD } from './kubelet-span-index.js';
import { kubeletPodUid, type WantedRequest, wantedRequest } from './link-rules.js';
import { RequestIndex, type RequestIndexOptions } from './request-index.js';
import { actorIsReporter, programOfUserAgent } from './user-agent.js';

/** Programs that finish a Pod's delete on its node: the kubelet, and kwok in its place. */
const NODE_AGENTS: ReadonlySet<string> = new Set(['kubelet', 'kwok']);

/** Intents whose manager no managedFields entry records: the request's user agent names it. */
const MANAGER_FROM_REQUEST: ReadonlySet<string> = new Set(['delete', 'evict', 'join']);

/** Links per span to ambiguous matches, at most. */
export const MAX_AMBIGUOUS_LINKS = 3;

/** Options of {@link TapCorrelator}. */
export interface TapCorrelatorOptions {
  /** How long a trace waits for late spans after assembly emitted it. @default 7000 */
  readonly holdMs?: number;
  /** Traces held at most; beyond, the oldest is released at once. @default 10000 */
  readonly maxHeldTraces?: number;
  readonly requests?: RequestIndexOptions;
  readonly kubelet?: { readonly windowMs?: number; readonly maxPods?: number };
}

/** What the correlator holds and has done (cumulative counts). */
export interface TapCorrelatorStats {
  readonly requests: number;
  readonly partialRequests: number;
  readonly kubeletPods: number;
  readonly heldTraces: number;
  readonly linksMade: number;
  readonly ambiguousLinks: number;
  readonly backLinks: number;
}

function meets(r: ApiRequest, w: WantedRequest, fieldManager: string | undefined): boolean {
  return (
    w.verbs.has(r.verb) &&
    w.subresources.has(r.subresource) &&
    r.endTime >= w.from &&
    r.startTime < w.to &&
    !(w.notByControllers && r.userAgent.includes(':serviceaccount:kube-system:')) &&
    !(w.notByNodeAgent === true && NODE_AGENTS.has(r.actor)) &&
    (w.reporter === undefined || actorIsReporter(r.actor, w.reporter)) &&
    // A write that names no fieldManager is recorded under its user agent's program (kubectl scale).
    (w.fieldManager === undefined || (fieldManager ?? programOfUserAgent(r.userAgent)) === w.fieldManager)
  );
}

/** Links assembled traces to the control plane's spans the tap received. */
export class TapCorrelator {
  readonly #holdMs: number;
  readonly #maxHeld: number;
  readonly #requests: RequestIndex;
  readonly #kubelet: KubeletSpanIndex;
  readonly #held: { due: number; trace: TraceRecord }[] = [];
  #linksMade = 0;
  #ambiguous = 0;
  #backLinks = 0;

  constructor(o: TapCorrelatorOptions = {}) {
    this.#holdMs = o.holdMs ?? 7_000;
    this.#maxHeld = o.maxHeldTraces ?? 10_000;
    if (!Number.isSafeInteger(this.#holdMs) || this.#holdMs < 0)
      throw new TypeError(`holdMs must be a non-negative integer, got ${String(o.holdMs)}`);
    if (!Number.isSafeInteger(this.#maxHeld) || this.#maxHeld < 1)
      throw new TypeError(`maxHeldTraces must be a positive integer, got ${String(o.maxHeldTraces)}`);
    this.#requests = new RequestIndex(o.requests);
    this.#kubelet = new KubeletSpanIndex(o.kubelet);
  }

  /** Indexes received spans (observed at `now`). */
  addSpans(spans: readonly TapSpan[], now: number): void {
    for (const s of spans) {
      this.#requests.add(s, now);
      this.#kubelet.add(s, now);
    }
  }

  /** Takes the traces assembly emitted at `now`; returns those whose hold is over, linked, plus back-link traces. */
  process(traces: readonly TraceRecord[], now: number): TraceRecord[] {
    const out: TraceRecord[] = [];
    for (const trace of traces) {
      this.#held.push({ due: now + this.#holdMs, trace });
      if (this.#held.length > this.#maxHeld) this.#release(out, now);
    }
    while (this.#held.length > 0 && (this.#held[0]?.due ?? Number.POSITIVE_INFINITY) <= now)
      this.#release(out, now);
    return out;
  }

  /** When the last trace held is due to be linked; -Infinity when none is held. */
  heldUntil(): number {
    return this.#held.at(-1)?.due ?? Number.NEGATIVE_INFINITY;
  }

  /** Links and returns everything held (shutdown, end of a replay). */
  flush(now: number): TraceRecord[] {
    const out: TraceRecord[] = [];
    while (this.#held.length > 0) this.#release(out, now);
    return out;
  }

  stats(): TapCorrelatorStats {
    const r = this.#requests.stats();
    return {
      requests: r.requests,
      partialRequests: r.partial,
      kubeletPods: this.#kubelet.size,
      heldTraces: this.#held.length,
      linksMade: this.#linksMade,
      ambiguousLinks: this.#ambiguous,
      backLinks: this.#backLinks,
    };
  }

  #release(out: TraceRecord[], now: number): void {
    const held = this.#held.shift();
    if (held === undefined) return;
    const backLinks: TraceRecord[] = [];
    out.push(this.#link(held.trace, backLinks));
    for (const b of backLinks) out.push(b);
    this.#requests.evict(now);
    this.#kubelet.evict(now);
  }

  #link(trace: TraceRecord, backLinks: TraceRecord[]): TraceRecord {
    let changed = false;
    let root = trace.root;
    const spans = trace.spans.map((span) => {
      const linked = this.#linkSpan(span, trace.late === true, backLinks);
      if (linked === span) return span;
      changed = true;
      if (span === trace.root) root = linked;
      return linked;
    });
    return changed ? { ...trace, root, spans } : trace;
  }

  #linkSpan(span: SpanRecord, late: boolean, backLinks: TraceRecord[]): SpanRecord {
    const links: SpanLinkRecord[] = [];
    let manager: string | undefined;
    const want = wantedRequest(span);
    if (want !== undefined) {
      const found = this.#requests
        .find(want.resource, want.namespace, want.name)
        .filter((r) => meets(r, want, this.#requests.fieldManager(r.auditId)));
      const ambiguous = found.length > 1;
      for (const r of nearest(found, span.startTime, MAX_AMBIGUOUS_LINKS)) {
        const attributes: Record<string, string | boolean> = {
          [A.ATTR_KUBETRAIL_LINK_KIND]: 'apiserver.request',
          [A.ATTR_KUBETRAIL_LINK_AUDIT_ID]: r.auditId,
        };
        if (ambiguous) attributes[A.ATTR_KUBETRAIL_LINK_AMBIGUOUS] = true;
        links.push({ traceId: r.traceId, spanId: r.spanId, attributes });
      }
      this.#linksMade += Math.min(found.length, MAX_AMBIGUOUS_LINKS);
      if (ambiguous) this.#ambiguous += 1;
      const only = found.length === 1 ? found[0] : undefined;
      if (span.role === 'intent' && only !== undefined && !late) {
        backLinks.push(backLinkTrace(span, only));
        this.#backLinks += 1;
        const intent = span.attributes[A.ATTR_KUBETRAIL_INTENT];
        if (typeof intent === 'string' && MANAGER_FROM_REQUEST.has(intent) && span.service === 'unknown')
          manager = only.actor || undefined;
      }
    }
    const uid = kubeletPodUid(span);
    if (uid !== undefined) {
      for (const k of this.#kubelet.find(uid).slice(0, MAX_KUBELET_SPANS_PER_POD)) {
        links.push({
          traceId: k.traceId,
          spanId: k.spanId,
          attributes: { [A.ATTR_KUBETRAIL_LINK_KIND]: 'kubelet' },
        });
        this.#linksMade += 1;
      }
    }
    if (links.length === 0) return span;
    return {
      ...span,
      ...(manager === undefined
        ? {}
        : {
            service: manager,
            attributes: {
              ...span.attributes,
              [A.ATTR_KUBETRAIL_MANAGER]: manager,
              [A.ATTR_KUBETRAIL_MANAGER_SOURCE]: 'user-agent',
            },
          }),
      links: [...span.links, ...links],
    };
  }
}

/**
 * The `n` requests nearest to `at` (a span's start: its request ran just before
 * it), in their own order. Beyond `n` matches, the earliest would often leave
 * out the one that made the span, for a span late in its window.
 */
function nearest(found: readonly ApiRequest[], at: number, n: number): readonly ApiRequest[] {
  if (found.length <= n) return found;
  const distance = (r: ApiRequest) =>
    r.endTime < at ? at - r.endTime : r.startTime > at ? r.startTime - at : 0;
  const kept = new Set([...found].sort((x, y) => distance(x) - distance(y)).slice(0, n));
  return found.filter((r) => kept.has(r));
}

/** The one small span kubetrail adds to a request's own trace: a child of its handler span, inside it, linking to the root. */
function backLinkTrace(root: SpanRecord, request: ApiRequest): TraceRecord {
  const span: SpanRecord = {
    traceId: request.traceId,
    spanId: backLinkSpanIdOf(root.traceId, request.spanId),
    parentSpanId: request.spanId,
    name: `kubetrail ${root.name}`,
    role: 'intent',
    service: 'kubetrail',
    ...insideParent(request.startTime, request.endTime),
    status: { code: 'UNSET' },
    attributes: {
      [A.ATTR_KUBETRAIL_LINK_KIND]: 'kubetrail.root',
      ...pick(root.attributes, [A.ATTR_K8S_NAMESPACE_NAME, A.ATTR_KUBETRAIL_INTENT]),
    },
    events: [],
    links: [
      {
        traceId: root.traceId,
        spanId: root.spanId,
        attributes: { [A.ATTR_KUBETRAIL_LINK_KIND]: 'kubetrail.root' },
      },
    ],
  };
  return {
    traceId: request.traceId,
    root: span,
    spans: [span],
    end: 'converged',
    partial: false,
    hasError: false,
  };
}

function pick(
  attrs: SpanRecord['attributes'],
  keys: readonly string[],
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const k of keys) {
    const v = attrs[k];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}
