/**
 * A restart derived from a recording: kubetrail stops after delta `cut`
 * (SIGTERM: what is open goes out as cut off) and a new instance lists the
 * cluster, then watches the rest. A list at a resourceVersion holds every write
 * up to it, by write order (a recording is of one etcd): the latest state of
 * every object and Event written by then, even one the old instance had not
 * been delivered yet.
 */
import assert from 'node:assert/strict';
import { replay } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';

function meta(d: Delta): { uid?: string; resourceVersion?: string } {
  return (d.object as { metadata?: { uid?: string; resourceVersion?: string } }).metadata ?? {};
}

const rvOf = (d: Delta): number => Number(meta(d).resourceVersion);

/** What a new instance started after delta `cut` sees: its initial list, then the watch from there. */
export function listedAfter(deltas: readonly Delta[], cut: number): Delta[] {
  let listedRv = 0;
  for (const d of deltas.slice(0, cut)) listedRv = Math.max(listedRv, rvOf(d));
  const latest = new Map<string, Delta>();
  for (const d of deltas) {
    const uid = String(meta(d).uid);
    const held = latest.get(uid);
    if (rvOf(d) <= listedRv && (held === undefined || rvOf(held) < rvOf(d))) latest.set(uid, d);
  }
  // After the last delta: a second later.
  const at = deltas[cut]?.time ?? (deltas[deltas.length - 1]?.time ?? 0) + 1000;
  return [
    ...[...latest.values()]
      .filter((d) => d.type !== 'DELETED')
      .map((d): Delta => ({ time: at, type: 'ADDED', object: d.object, initial: true })),
    ...deltas.slice(cut).filter((d) => rvOf(d) > listedRv),
  ];
}

/** What a span stands for in any trace: the Event's span id, or the object's uid and the span's role. */
export function nodeOf(s: SpanRecord): string {
  if (s.role === 'action' || s.role === 'intent') return s.spanId;
  const kind = s.name.slice(0, s.name.indexOf('.')).toLowerCase();
  return `${s.role} ${String(s.attributes[`k8s.${kind}.uid`])}`;
}

/** A span named for a message: its name and the Event's note or the object's name. */
export function describeSpan(s: SpanRecord): string {
  const kind = s.name.slice(0, s.name.indexOf('.')).toLowerCase();
  return `${s.name} ${String(s.attributes['k8s.event.note'] ?? s.attributes[`k8s.${kind}.name`] ?? '')}`.trim();
}

/** The spans of `sent` that differ from the live run's: trace id, span id or parent. */
export function differences(live: readonly TraceRecord[], sent: readonly TraceRecord[]): string[] {
  const seen = new Map(
    live.flatMap((r) => r.spans.map((s) => [nodeOf(s), { trace: r.traceId, s }] as const)),
  );
  const out: string[] = [];
  for (const r of sent) {
    for (const s of r.spans) {
      const l = seen.get(nodeOf(s));
      const what = describeSpan(s);
      if (l === undefined) out.push(`${what}: not in the live run`);
      else if (l.trace !== r.traceId) out.push(`${what}: trace`);
      else if (l.s.spanId !== s.spanId) out.push(`${what}: span id`);
      else if (l.s.parentSpanId !== s.parentSpanId) out.push(`${what}: parent`);
    }
  }
  return out;
}

/** What a plain restart after one cut gets wrong, and what it loses. */
export interface RestartCheck {
  /** The spans the new instance sends wrong (see {@link restartCheck}), one line each. */
  readonly wrong: string[];
  /** Spans of the live run that neither instance sends (by what they stand for, see {@link nodeOf}). */
  readonly lost: number;
}

/**
 * A plain restart (no --backfill) after delta `cut`, against the live run. Wrong:
 * a span the new instance sends that the live run sent otherwise (trace id, span
 * id, parent) or not at all, or a span id the stopped instance had already sent.
 * A root the stopped instance had not sent is the only copy, and sending it is
 * right: its intent was written before the list but shown to the stopped instance
 * by no delta, or not decided yet (a Node's join). Lost: what neither sends, such
 * as an Event written before the list but delivered to the stopped instance after
 * its stop (the new one takes the list's Events as sent), so that a change that
 * sends less cannot pass for one that sends right.
 */
export function restartCheck(
  deltas: readonly Delta[],
  cut: number,
  live: readonly TraceRecord[],
): RestartCheck {
  const stopped = replay(deltas.slice(0, cut));
  // A live source lists Events with everything else: its list is history even before any Event.
  const restarted = replay(listedAfter(deltas, cut), { listIsHistory: true });
  const wrong = differences(live, restarted);
  const sent = new Set(stopped.flatMap((r) => r.spans.map((s) => s.spanId)));
  const seen = new Set<string>();
  for (const r of stopped) for (const s of r.spans) seen.add(nodeOf(s));
  for (const r of restarted) {
    for (const s of r.spans) {
      seen.add(nodeOf(s));
      if (sent.has(s.spanId)) wrong.push(`${describeSpan(s)}: sent again`);
    }
  }
  let lost = 0;
  for (const r of live) for (const s of r.spans) if (!seen.has(nodeOf(s))) lost += 1;
  return { wrong, lost };
}

/** Cut numbers as ranges (`4-6,28`), and back. */
export const cutRanges = {
  format(xs: readonly number[]): string {
    const out: string[] = [];
    for (let i = 0; i < xs.length; ) {
      let j = i;
      while (j + 1 < xs.length && xs[j + 1] === (xs[j] ?? 0) + 1) j++;
      out.push(i === j ? String(xs[i]) : `${xs[i]}-${xs[j]}`);
      i = j + 1;
    }
    return out.join(',');
  },
  includes(ranges: string, x: number): boolean {
    return ranges
      .split(',')
      .filter((r) => r !== '')
      .some((r) => {
        const [a, b] = r.split('-').map(Number);
        return a !== undefined && x >= a && x <= (b ?? a);
      });
  },
};

/**
 * Asserts that a restart continued the evictions of a Node's cordon or outage (`spell`, the
 * trace the instance before sent its root in): `count` Pod.Evict spans in `restarted`, each a
 * child of that root in its trace, marked partial; no root of its name sent again, and no
 * eviction a trace of its own.
 */
export function assertEvictionsContinuedUnder(
  restarted: readonly TraceRecord[],
  spell: TraceRecord,
  count: number,
): void {
  const evictions = restarted.flatMap((r) =>
    r.spans.filter((s) => s.name === 'Pod.Evict').map((s) => ({ r, s })),
  );
  assert.equal(evictions.length, count);
  for (const { r, s } of evictions) {
    assert.equal(r.traceId, spell.traceId);
    assert.equal(s.parentSpanId, spell.root.spanId);
    assert.equal(s.attributes['kubetrail.trace.partial'], true);
  }
  assert.deepEqual(
    restarted
      .filter(
        (r) =>
          r.root.parentSpanId === undefined &&
          (r.root.name === spell.root.name || r.root.name === 'Pod.Evict'),
      )
      .map((r) => r.root.name),
    [],
    `no ${spell.root.name} root sent again, no eviction a trace of its own`,
  );
}
