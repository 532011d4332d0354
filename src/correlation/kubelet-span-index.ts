/**
 * A bounded, time-windowed index of kubelet spans by the Pod uid they carry
 * (`k8s.pod.uid`), so that a Pod's lifecycle span can link to them. Pure: the
 * caller passes the time.
 */
import type { TapSpan } from '../model/tap-span.js';

/** A kubelet span a link can point at. */
export interface KubeletSpanRef {
  readonly traceId: string;
  readonly spanId: string;
  readonly name: string;
  readonly startTime: number;
}

/** Spans kept per Pod at most: the first ones (syncPod, the container starts), not every resync. */
export const MAX_KUBELET_SPANS_PER_POD = 8;

/** Whether `span` is a kubelet span about a Pod. */
export function isKubeletPodSpan(span: TapSpan): boolean {
  const uid = span.attributes['k8s.pod.uid'];
  return typeof uid === 'string' && uid !== '' && (span.service === 'kubelet' || span.service === '');
}

/** Kubelet spans by Pod uid, bounded by Pods and by time. */
export class KubeletSpanIndex {
  readonly #windowMs: number;
  readonly #maxPods: number;
  /** uid → spans, in insertion order of the uid (the Map's order is the eviction order). */
  readonly #byPod = new Map<string, { seen: number; spans: KubeletSpanRef[] }>();

  constructor(o: { readonly windowMs?: number; readonly maxPods?: number } = {}) {
    this.#windowMs = o.windowMs ?? 900_000;
    this.#maxPods = o.maxPods ?? 20_000;
    if (!Number.isSafeInteger(this.#windowMs) || this.#windowMs < 1)
      throw new TypeError(`windowMs must be a positive integer, got ${String(o.windowMs)}`);
    if (!Number.isSafeInteger(this.#maxPods) || this.#maxPods < 1)
      throw new TypeError(`maxPods must be a positive integer, got ${String(o.maxPods)}`);
  }

  /** Takes one received span; spans without a Pod uid are ignored. */
  add(span: TapSpan, now: number): void {
    if (!isKubeletPodSpan(span)) return;
    const uid = span.attributes['k8s.pod.uid'] as string;
    let entry = this.#byPod.get(uid);
    if (entry === undefined) {
      if (this.#byPod.size >= this.#maxPods) {
        const oldest = this.#byPod.keys().next().value;
        if (oldest !== undefined) this.#byPod.delete(oldest);
      }
      entry = { seen: now, spans: [] };
      this.#byPod.set(uid, entry);
    }
    if (entry.spans.length >= MAX_KUBELET_SPANS_PER_POD) return;
    if (entry.spans.some((s) => s.spanId === span.spanId && s.traceId === span.traceId)) return;
    entry.spans.push({
      traceId: span.traceId,
      spanId: span.spanId,
      name: span.name,
      startTime: span.startTime,
    });
    this.evict(now);
  }

  /** The kubelet spans of Pod `uid`, in start order. */
  find(uid: string): readonly KubeletSpanRef[] {
    const spans = this.#byPod.get(uid)?.spans ?? [];
    return [...spans].sort((a, b) => a.startTime - b.startTime || (a.spanId < b.spanId ? -1 : 1));
  }

  /** Drops Pods first seen before `now - windowMs`. */
  evict(now: number): void {
    const cutoff = now - this.#windowMs;
    for (const [uid, e] of this.#byPod) {
      if (e.seen >= cutoff) break;
      this.#byPod.delete(uid);
    }
  }

  get size(): number {
    return this.#byPod.size;
  }
}
