/**
 * Clock-skew variants of a recording (issue 9 point 1) and the comparison that
 * must hold between a variant's traces and the original's: the watcher's clock
 * may be off the cluster's, and a busy watch delivers late, but neither may
 * change a trace. Only observation `time`s change; objects are untouched.
 */
import { type MergedTrace, mergeTraceRecords } from '../../src/assembly/merge-records.js';
import {
  ATTR_K8S_EVENT_NOTE,
  ATTR_K8S_EVENT_UID,
  ATTR_KUBETRAIL_GENERATION,
} from '../../src/model/attributes.js';
import type { ClockSample } from '../../src/model/clock-sample.js';
import type { Delta } from '../../src/model/delta.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import { prng } from '../prng.js';
import { stripCombined } from './recording-facts.js';

/** The constant skews of issue 9, in seconds. */
export const SKEWS_S: readonly number[] = [-60, -10, -3, 3, 10, 60];

/** Every observation time shifted by `skewMs`: a watcher whose clock is that far off. */
export function skewed(deltas: readonly Delta[], skewMs: number): Delta[] {
  return deltas.map((d) => ({ ...d, time: d.time + skewMs }));
}

/**
 * The readings of the apiserver's clock a watcher `skewMs` off would have
 * taken: their local times (sent, received) shift, the server's `Date` does not.
 * A watch's delivery lag does not touch them: a direct request's delay is its
 * own round trip, which a sample carries.
 */
export function skewedSamples(samples: readonly ClockSample[], skewMs: number): ClockSample[] {
  return samples.map((s) => ({ ...s, sentAt: s.sentAt + skewMs, receivedAt: s.receivedAt + skewMs }));
}

function streamOf(d: Delta): string {
  const o = d.object as { kind?: unknown } | null;
  return typeof o?.kind === 'string' ? o.kind : '';
}

/**
 * Each delta observed a random 0 to `maxLagMs` late (seeded). One watch
 * delivers in order, so within a kind times never go backwards; across kinds
 * the deltas are then delivered by their new times, as independent watches do.
 */
export function lagged(deltas: readonly Delta[], seed: number, maxLagMs = 2000): Delta[] {
  const rand = prng(seed);
  const lastOfStream = new Map<string, number>();
  const out = deltas.map((d, i) => {
    const stream = streamOf(d);
    const time = Math.max(d.time + rand() * maxLagMs, lastOfStream.get(stream) ?? Number.NEGATIVE_INFINITY);
    lastOfStream.set(stream, time);
    return { delta: { ...d, time }, i };
  });
  out.sort((a, b) => a.delta.time - b.delta.time || a.i - b.i);
  return out.map((x) => x.delta);
}

/** The deltas of `kinds` observed `lagMs` late (their watches falling behind), then delivered by time. */
export function watchLagging(deltas: readonly Delta[], kinds: readonly string[], lagMs: number): Delta[] {
  return deltas
    .map((d, i) => {
      const late = kinds.includes(streamOf(d));
      return { delta: late ? { ...d, time: d.time + lagMs } : d, i };
    })
    .sort((a, b) => a.delta.time - b.delta.time || a.i - b.i)
    .map((x) => x.delta);
}

/** Where each Event span sits: its Event and note, its root's name and generation, its parent's name. */
export function eventPlacements(records: readonly TraceRecord[]): string[] {
  const out: string[] = [];
  for (const t of mergeTraceRecords(records)) {
    const byId = new Map(t.spans.map((s) => [s.spanId, s]));
    for (const s of t.spans) {
      const uid = s.attributes[ATTR_K8S_EVENT_UID];
      if (typeof uid !== 'string') continue;
      const parent = byId.get(s.parentSpanId ?? '');
      out.push(
        [
          uid,
          JSON.stringify(stripCombined(String(s.attributes[ATTR_K8S_EVENT_NOTE] ?? ''))),
          'in',
          t.root.name,
          `generation=${String(t.root.attributes[ATTR_KUBETRAIL_GENERATION] ?? '-')}`,
          'under',
          parent?.name ?? '-',
        ].join(' '),
      );
    }
  }
  return out.sort();
}

const durationOf = (root: SpanRecord): number => root.endTime - root.startTime;

/**
 * The differences between a variant's traces and the original's: Event spans
 * placed differently, roots that appear in only one, and roots whose duration
 * differs by more than `toleranceMs`. Empty when the variant changed nothing
 * that matters.
 */
export function compareVariant(
  original: readonly TraceRecord[],
  variant: readonly TraceRecord[],
  toleranceMs = 1000,
): string[] {
  const out: string[] = [];
  const a = eventPlacements(original);
  const b = eventPlacements(variant);
  const left = new Map<string, number>();
  for (const p of a) left.set(p, (left.get(p) ?? 0) + 1);
  const added: string[] = [];
  for (const p of b) {
    const n = left.get(p) ?? 0;
    if (n > 0) left.set(p, n - 1);
    else added.push(p);
  }
  for (const [p, n] of left) for (let i = 0; i < n; i++) out.push(`placement lost: ${p}`);
  for (const p of added) out.push(`placement new: ${p}`);
  const roots = (rs: readonly TraceRecord[]): Map<string, MergedTrace> =>
    new Map(mergeTraceRecords(rs).map((t) => [t.traceId, t]));
  const ra = roots(original);
  const rb = roots(variant);
  for (const [id, t] of ra) {
    const u = rb.get(id);
    if (u === undefined) {
      out.push(`root lost: ${t.root.name} ${id.slice(0, 8)}`);
      continue;
    }
    const d = durationOf(u.root) - durationOf(t.root);
    if (Math.abs(d) > toleranceMs) {
      out.push(
        `root ${t.root.name} ${id.slice(0, 8)} lasts ${durationOf(u.root).toFixed(0)} ms, not ${durationOf(t.root).toFixed(0)} ms (${d > 0 ? '+' : ''}${d.toFixed(0)} ms)`,
      );
    }
  }
  for (const [id, t] of rb) if (!ra.has(id)) out.push(`root new: ${t.root.name} ${id.slice(0, 8)}`);
  return out;
}
