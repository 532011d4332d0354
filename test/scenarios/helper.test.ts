// The property helper itself: each property and the clock-skew comparison must
// catch a trace that breaks it. Real traces of a real recording, then one
// deliberate fault each.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import { compareVariant, lagged, skewed } from './clock-skew.js';
import { loadRecording } from './evaluate.js';
import { Observed, PROPERTIES, PROPERTY_NAMES, type PropertyName } from './properties.js';
import { generationBoundaries, reachedIntents, readFacts, replicaStepsOfPods } from './recording-facts.js';

const deltas = loadRecording('test/fixtures/live/deployment-rollout.jsonl');
const facts = readFacts(deltas);
const records = replay(deltas);

const note = (s: SpanRecord): string => String(s.attributes['k8s.event.note'] ?? '');
const check = (name: PropertyName, rs: readonly TraceRecord[]): string[] =>
  PROPERTIES[name](new Observed(facts, rs));

function traceNamed(rootName: string): TraceRecord {
  const t = records.find((r) => r.root.name === rootName);
  assert.ok(t !== undefined, rootName);
  return t;
}

function spanWhere(t: TraceRecord, pred: (s: SpanRecord) => boolean): SpanRecord {
  const s = t.spans.find(pred);
  assert.ok(s !== undefined);
  return s;
}

/** The records with `edit` applied to every span of trace `t` (undefined drops the span). */
function editSpans(t: TraceRecord, edit: (s: SpanRecord) => SpanRecord | undefined): TraceRecord[] {
  return records.map((r) => {
    if (r !== t) return r;
    const spans = r.spans.flatMap((s) => {
      const e = edit(s);
      return e === undefined ? [] : [e];
    });
    const root = spans.find((s) => s.spanId === r.root.spanId) ?? r.root;
    return { ...r, root, spans };
  });
}

describe('the recording facts', () => {
  it('read the ReplicaSet step each Pod answered from the ReplicaSets themselves', () => {
    const steps = [...replicaStepsOfPods(facts).entries()].map(
      ([k, s]) => `${k.split('/')[0]} ${s.replicaSet} ${s.from}→${s.to}`,
    );
    assert.deepEqual(steps.sort(), [
      'create web-575b656585 0→3',
      'create web-575b656585 0→3',
      'create web-575b656585 0→3',
      'create web-596b6d847b 0→1',
      'create web-596b6d847b 1→2',
      'create web-596b6d847b 2→3',
      'delete web-575b656585 1→0',
      'delete web-575b656585 2→1',
      'delete web-575b656585 3→2',
    ]);
  });

  it('find the generations the Deployment reached', () => {
    assert.deepEqual(
      reachedIntents(facts).map((r) => `${r.kind} ${r.name} ${r.key}`),
      ['Deployment web 1', 'Deployment web 2'],
    );
  });
});

describe('every property holds on the untouched traces, and catches a fault', () => {
  it('holds on the untouched traces', () => {
    for (const name of PROPERTY_NAMES) assert.deepEqual(check(name, records), [], name);
  });

  it('event-one-span-per-trace: a lost Event span, and an Event twice in one trace', () => {
    const t = traceNamed('Deployment.Update');
    const created = spanWhere(t, (s) => s.name === 'ReplicaSet.SuccessfulCreate');
    const lost = check(
      'event-one-span-per-trace',
      editSpans(t, (s) => (s === created ? undefined : s)),
    );
    assert.equal(lost.length, 1);
    assert.match(lost[0] ?? '', /^no span for ReplicaSet\.SuccessfulCreate "Created pod: /);
    const twice = records.map((r) =>
      r === t ? { ...r, spans: [...r.spans, { ...created, spanId: 'ffffffffffffffff' }] } : r,
    );
    assert.match(
      check('event-one-span-per-trace', twice).join('\n'),
      /^2 spans for ReplicaSet\.SuccessfulCreate/,
    );
  });

  it('scheduled-under-created-pod: a Scheduled moved under the root', () => {
    const t = traceNamed('Deployment.Update');
    const sched = spanWhere(t, (s) => s.name === 'Pod.Scheduled');
    const out = check(
      'scheduled-under-created-pod',
      editSpans(t, (s) => (s === sched ? { ...s, parentSpanId: t.root.spanId } : s)),
    );
    assert.equal(out.length, 1);
    assert.match(out[0] ?? '', /^Scheduled of web-596b6d847b-\S+ .* is under Deployment\.Update/);
  });

  it('rs-actions-under-their-step: a Created pod and a Deleted pod moved under the root', () => {
    const t = traceNamed('Deployment.Update');
    const moved = new Set(
      [
        spanWhere(t, (s) => s.name === 'ReplicaSet.SuccessfulCreate'),
        spanWhere(t, (s) => s.name === 'ReplicaSet.SuccessfulDelete'),
      ].map((s) => s.spanId),
    );
    const out = check(
      'rs-actions-under-their-step',
      editSpans(t, (s) => (moved.has(s.spanId) ? { ...s, parentSpanId: t.root.spanId } : s)),
    );
    assert.equal(out.length, 2);
    assert.match(out.join('\n'), /not under a "Scaled up replica set web-596b6d847b"/);
    assert.match(out.join('\n'), /not under a "Scaled down replica set web-575b656585"/);
  });

  it('one-root-parents-in-trace: a second root, and a parent outside the trace', () => {
    const t = traceNamed('Deployment.Update');
    const victim = spanWhere(t, (s) => s.name === 'Pod.Scheduled');
    const { parentSpanId: _, ...orphan } = victim;
    const out = check(
      'one-root-parents-in-trace',
      editSpans(t, (s) => (s === victim ? orphan : s)),
    );
    assert.deepEqual(out, [`Deployment.Update ${t.traceId.slice(0, 8)} has 2 roots`]);
    const away = check(
      'one-root-parents-in-trace',
      editSpans(t, (s) => (s === victim ? { ...s, parentSpanId: '0123456789abcdef' } : s)),
    );
    assert.match(away.join('\n'), /names a parent not in its trace/);
  });

  it('generation-has-trace: the Update trace lost', () => {
    const t = traceNamed('Deployment.Update');
    assert.deepEqual(
      check(
        'generation-has-trace',
        records.filter((r) => r.traceId !== t.traceId),
      ),
      ['Deployment web generation 2 has no trace'],
    );
  });

  it('no-span-before-root: a span a millisecond before its root', () => {
    const t = traceNamed('Deployment.Create');
    const s0 = spanWhere(t, (s) => s.name === 'Pod.Scheduled');
    const out = check(
      'no-span-before-root',
      editSpans(t, (s) => (s === s0 ? { ...s, startTime: t.root.startTime - 1 } : s)),
    );
    assert.equal(out.length, 1);
  });

  it('no-span-before-parent: a Scheduled a millisecond before its Pod lifecycle', () => {
    const t = traceNamed('Deployment.Create');
    const s0 = spanWhere(t, (s) => s.name === 'Pod.Scheduled');
    const parent = spanWhere(t, (s) => s.spanId === s0.parentSpanId);
    const out = check(
      'no-span-before-parent',
      editSpans(t, (s) => (s === s0 ? { ...s, startTime: parent.startTime - 1 } : s)),
    );
    assert.equal(out.length, 1);
    assert.match(out[0] ?? '', /Pod\.Scheduled .* before its parent Pod\.Lifecycle/);
  });

  it("one-intent-per-trace: the Create trace's Events folded into the Update trace", () => {
    const create = traceNamed('Deployment.Create');
    const update = traceNamed('Deployment.Update');
    const folded = records
      .filter((r) => r !== create)
      .map((r) =>
        r === update
          ? {
              ...r,
              spans: [
                ...r.spans,
                ...create.spans
                  .filter((s) => s.spanId !== create.root.spanId)
                  .map(
                    (s): SpanRecord =>
                      s.parentSpanId === create.root.spanId
                        ? { ...s, traceId: update.traceId, parentSpanId: update.root.spanId }
                        : { ...s, traceId: update.traceId },
                  ),
              ],
            }
          : r,
      );
    const out = check('one-intent-per-trace', folded);
    assert.equal(out.length, 1);
    assert.match(out[0] ?? '', /before generation 2\) and Deployment\.ScalingReplicaSet/);
  });

  it('one-span-per-scaling-step: a step lost', () => {
    const t = traceNamed('Deployment.Update');
    const step = spanWhere(t, (s) => s.name === 'Deployment.ScalingReplicaSet');
    const out = check(
      'one-span-per-scaling-step',
      editSpans(t, (s) => (s === step ? undefined : s)),
    );
    assert.deepEqual(out, [
      `0 spans for Deployment.ScalingReplicaSet "${note(step)}" (event ${String(step.attributes['k8s.event.uid']).slice(0, 8)}), which happened 1 time(s)`,
    ]);
  });

  it('no-span-after-convergence: a span after the root ended', () => {
    const t = traceNamed('Deployment.Create');
    assert.equal(t.end, 'converged');
    const s0 = spanWhere(t, (s) => s.name === 'Pod.Scheduled');
    const out = check(
      'no-span-after-convergence',
      editSpans(t, (s) =>
        s === s0 ? { ...s, startTime: t.root.endTime + 1, endTime: t.root.endTime + 1 } : s,
      ),
    );
    assert.equal(out.length, 1);
  });

  it('lifecycle-children-within-50ms: 50 ms is fine, 51 ms is not', () => {
    const t = traceNamed('Deployment.Create');
    const life = spanWhere(t, (s) => s.name === 'Pod.Lifecycle');
    const child = spanWhere(t, (s) => s.parentSpanId === life.spanId);
    const at = (ms: number) =>
      check(
        'lifecycle-children-within-50ms',
        editSpans(t, (s) =>
          s === child ? { ...s, startTime: life.endTime + ms, endTime: life.endTime + ms } : s,
        ),
      );
    assert.deepEqual(at(50), []);
    assert.equal(at(51).length, 1);
  });
});

describe('one-intent-per-trace claims only what the recording shows', () => {
  it('no generation boundary where the capture begins mid-rollout, no root for an object the capture lacks', () => {
    for (const capture of [
      'test/oracles/kspan/deployment-2-pods.yaml',
      'test/oracles/kspan/deployment-rollout.yaml',
    ]) {
      const d = loadRecording(capture);
      const f = readFacts(d);
      for (const [uid, list] of f.states) {
        if (list[0]?.kind === 'Deployment' && list[0].initial) {
          assert.ok(
            generationBoundaries(f, uid).every((b) => b.generation > (list[0]?.generation ?? 0)),
            `${capture}: the generation first met in the initial list has no write to bound`,
          );
        }
      }
      assert.deepEqual(PROPERTIES['one-intent-per-trace'](new Observed(f, replay(d))), [], capture);
    }
  });
});

describe('the clock-skew variants and their comparison', () => {
  it('shift every time by the skew, objects untouched', () => {
    const out = skewed(deltas, -3000);
    assert.equal(out.length, deltas.length);
    out.forEach((d, i) => {
      assert.equal(d.time, (deltas[i] as Delta).time - 3000);
      assert.equal(d.object, (deltas[i] as Delta).object);
    });
  });

  it('lag each delta 0 to 2 s, never reordering one kind', () => {
    const out = lagged(deltas, 7);
    assert.equal(out.length, deltas.length);
    const original = new Map(deltas.map((d) => [d.object, d.time]));
    const lastByKind = new Map<string, number>();
    for (const d of out) {
      const lag = d.time - (original.get(d.object) ?? Number.NaN);
      assert.ok(lag >= 0 && lag <= 2000, `lag ${lag}`);
      const kind = String((d.object as { kind?: unknown }).kind);
      const order = deltas.findIndex((x) => x.object === d.object);
      assert.ok(order > (lastByKind.get(kind) ?? -1), `${kind} kept in order`);
      lastByKind.set(kind, order);
    }
  });

  it('see a moved Event span, a lost root, and a root more than 1 s longer', () => {
    assert.deepEqual(compareVariant(records, records), []);
    const t = traceNamed('Deployment.Update');
    const sched = spanWhere(t, (s) => s.name === 'Pod.Scheduled');
    const moved = editSpans(t, (s) => (s === sched ? { ...s, parentSpanId: t.root.spanId } : s));
    const diff = compareVariant(records, moved);
    assert.equal(diff.length, 2);
    assert.match(
      diff[0] ?? '',
      /^placement lost: .* in Deployment\.Update generation=2 under Pod\.Lifecycle$/,
    );
    assert.match(
      diff[1] ?? '',
      /^placement new: .* in Deployment\.Update generation=2 under Deployment\.Update$/,
    );
    assert.match(
      compareVariant(
        records,
        records.filter((r) => r !== t),
      ).join('\n'),
      /root lost: Deployment\.Update/,
    );
    const longer = (ms: number) =>
      records.map((r) =>
        r === t
          ? {
              ...r,
              root: { ...r.root, endTime: r.root.endTime + ms },
              spans: r.spans.map((s) => (s === r.root ? { ...s, endTime: s.endTime + ms } : s)),
            }
          : r,
      );
    assert.deepEqual(compareVariant(records, longer(1000)), []);
    assert.match(
      compareVariant(records, longer(1001)).join('\n'),
      /^root Deployment\.Update .* \(\+1001 ms\)$/,
    );
  });
});
