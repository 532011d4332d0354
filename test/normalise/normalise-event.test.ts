import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NOTE_LIMIT_BYTES } from '../../src/model/attributes.js';
import type { NormalEvent } from '../../src/model/projection.js';
import type { IssueSink } from '../../src/normalise/narrow.js';
import { normaliseEvent } from '../../src/normalise/normalise-event.js';
import { isRejected } from '../../src/normalise/rejection.js';

function sink(): IssueSink & { issues: string[] } {
  const issues: string[] = [];
  return { issues, issue: (r) => issues.push(r) };
}

/** When the delta was observed: before every stamp below (so none is refined), and within a day of them. */
const OBSERVED = Date.parse('2026-11-22T08:00:00Z');

function ok(raw: unknown, s = sink()): NormalEvent {
  const ev = normaliseEvent(raw, OBSERVED, s);
  assert.ok(!isRejected(ev), `rejected: ${JSON.stringify(ev)}`);
  return ev;
}

const coreV1 = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web.1', namespace: 'shop', uid: 'ev-1', resourceVersion: '7' },
  involvedObject: {
    kind: 'Pod',
    name: 'web-1',
    namespace: 'shop',
    uid: 'pod-1',
    apiVersion: 'v1',
    fieldPath: 'spec.containers{app}',
  },
  reason: 'Pulled',
  message: 'Container image "web:1" already present on machine',
  source: { component: 'kubelet', host: 'node-1' },
  count: 3,
  firstTimestamp: '2026-11-22T10:00:00Z',
  lastTimestamp: '2026-11-22T10:00:09Z',
  type: 'Normal',
};

const eventsV1 = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'web.2', namespace: 'shop', uid: 'ev-2' },
  regarding: { kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'pod-1', apiVersion: 'v1' },
  related: { kind: 'Node', name: 'node-1', uid: 'node-uid' },
  reason: 'FailedScheduling',
  note: '0/3 nodes are available',
  type: 'Warning',
  reportingController: 'default-scheduler',
  reportingInstance: 'default-scheduler-cp',
  eventTime: '2026-11-22T10:00:00.250000Z',
  series: { count: 4, lastObservedTime: '2026-11-22T10:01:00.500000Z' },
};

describe('normaliseEvent', () => {
  it('reads a core/v1 Event', () => {
    const ev = ok(coreV1);
    assert.equal(ev.uid, 'ev-1');
    assert.equal(ev.controller, 'kubelet');
    assert.equal(ev.instance, 'node-1');
    assert.equal(ev.count, 3);
    assert.equal(ev.firstTime, Date.parse('2026-11-22T10:00:00Z'));
    assert.equal(ev.lastTime, Date.parse('2026-11-22T10:00:09Z'));
    assert.equal(ev.involved.fieldPath, 'spec.containers{app}');
    assert.equal(ev.note, coreV1.message);
  });

  it('reads an events.k8s.io/v1 Event with a series into the same shape', () => {
    const ev = ok(eventsV1);
    assert.equal(ev.controller, 'default-scheduler');
    assert.equal(ev.instance, 'default-scheduler-cp');
    assert.equal(ev.involved.uid, 'pod-1');
    assert.equal(ev.related?.kind, 'Node');
    assert.equal(ev.count, 4);
    assert.equal(ev.firstTime, Date.parse('2026-11-22T10:00:00.250Z'));
    assert.equal(ev.lastTime, Date.parse('2026-11-22T10:01:00.500Z'));
    assert.equal(ev.type, 'Warning');
  });

  it('reads an events.k8s.io Event written by a legacy recorder (deprecated fields)', () => {
    const ev = ok({
      ...eventsV1,
      eventTime: null,
      series: undefined,
      reportingController: undefined,
      deprecatedSource: { component: 'deployment-controller' },
      deprecatedFirstTimestamp: '2026-11-22T09:00:00Z',
      deprecatedLastTimestamp: '2026-11-22T10:00:00Z',
      deprecatedCount: 2,
    });
    assert.equal(ev.controller, 'deployment-controller');
    assert.equal(ev.count, 2);
    assert.equal(ev.firstTime, Date.parse('2026-11-22T09:00:00Z'));
  });

  it('prefers reportingComponent over an empty one and source.component', () => {
    assert.equal(ok({ ...coreV1, reportingComponent: '' }).controller, 'kubelet');
    assert.equal(ok({ ...coreV1, reportingComponent: 'kubelet-x' }).controller, 'kubelet-x');
  });

  it('truncates a 1 MB note to the bound and says so', () => {
    const s = sink();
    const ev = ok({ ...coreV1, message: 'x'.repeat(1 << 20) }, s);
    assert.equal(ev.note.length, NOTE_LIMIT_BYTES);
    assert.equal(ev.noteTruncated, true);
    assert.ok(s.issues.includes('note-truncated'));
  });

  it('does not split a surrogate pair when truncating', () => {
    const ev = ok({ ...coreV1, message: `${'a'.repeat(NOTE_LIMIT_BYTES - 1)}😀tail` });
    assert.equal(ev.note.length, NOTE_LIMIT_BYTES - 1);
    assert.ok(!/[\ud800-\udbff]$/.test(ev.note), 'no lone high surrogate at the end');
  });

  it('keeps emoji and repairs lone surrogates', () => {
    assert.equal(ok({ ...coreV1, message: 'ok 🚀 done' }).note, 'ok 🚀 done');
    const s = sink();
    const ev = ok({ ...coreV1, message: 'bad \ud800 half' }, s);
    assert.equal(ev.note, 'bad \ufffd half');
    assert.ok(s.issues.includes('invalid-utf16'));
  });

  it('falls back to the delta time when no timestamp is valid, and counts it', () => {
    const s = sink();
    const ev = ok({ ...coreV1, firstTimestamp: 'not a time', lastTimestamp: null, eventTime: 12 }, s);
    assert.equal(ev.firstTime, OBSERVED);
    assert.ok(s.issues.includes('invalid-timestamp'));
    assert.ok(s.issues.includes('missing-timestamp'));
  });

  it('rejects what cannot be an Event, by reason', () => {
    const cases: [unknown, string][] = [
      [null, 'not-an-object'],
      ['Event', 'not-an-object'],
      [{ ...coreV1, metadata: {} }, 'missing-uid'],
      [{ ...coreV1, involvedObject: undefined }, 'missing-involved-object'],
      [{ ...coreV1, involvedObject: { kind: 'Pod' } }, 'missing-involved-object'],
      [{ ...coreV1, reason: '' }, 'missing-reason'],
    ];
    for (const [raw, reason] of cases) {
      const r = normaliseEvent(raw, 0, sink());
      assert.ok(isRejected(r));
      assert.equal(r.rejected, reason);
    }
  });

  it('counts a count that is not an int32 as invalid, and keeps it an integer (1)', () => {
    for (const count of [1e300, 2.5, 2 ** 31, Number.POSITIVE_INFINITY]) {
      const s = sink();
      const ev = ok({ ...coreV1, count }, s);
      assert.equal(ev.count, 1, String(count));
      assert.ok(Number.isSafeInteger(ev.count));
      assert.deepEqual(s.issues, ['invalid-count'], String(count));
    }
    assert.equal(ok({ ...eventsV1, series: { ...eventsV1.series, count: 1e300 } }).count, 1);
  });

  it('drops an eventTime in the year 9999 or 0001 and counts it', () => {
    for (const eventTime of ['9999-12-31T23:59:59.000000Z', '0001-01-01T00:00:00.000000Z']) {
      const s = sink();
      const ev = ok({ ...eventsV1, eventTime, series: undefined }, s);
      assert.equal(ev.firstTime, OBSERVED, eventTime);
      assert.ok(s.issues.includes('implausible-timestamp'), eventTime);
    }
  });

  it('treats a count below 1 as 1', () => {
    assert.equal(ok({ ...coreV1, count: -5 }).count, 1);
  });
});

describe('normaliseEvent: combined Events (client-go folded similar ones into one)', () => {
  // As the deployment controller's recorder writes it (recorded in four-image-changes.jsonl):
  // a new Event at the 11th similar one, then a patch of count, lastTimestamp and message per occurrence.
  const combined = {
    ...coreV1,
    metadata: { name: 'web.18ecc86f4bb8a1d5', namespace: 'shop', uid: 'ev-c', resourceVersion: '2556' },
    involvedObject: {
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      uid: 'dep-1',
      apiVersion: 'apps/v1',
    },
    reason: 'ScalingReplicaSet',
    message: '(combined from similar events): Scaled down replica set web-596b6d847b from 2 to 1',
    source: { component: 'deployment-controller' },
    count: 2,
    firstTimestamp: '2026-11-22T10:00:31Z',
    lastTimestamp: '2026-11-22T10:00:32Z',
  };

  it('reports one occurrence: its count, the message after the prefix, the note as written', () => {
    const ev = ok(combined);
    assert.equal(ev.occurrence, 2);
    assert.equal(ev.count, 2);
    assert.equal(ev.message, 'Scaled down replica set web-596b6d847b from 2 to 1');
    assert.equal(ev.note, combined.message);
    assert.equal(ev.uid, 'ev-c');
  });

  it("times the occurrence at the Event's last time, not its first occurrence's", () => {
    const ev = ok(combined);
    assert.equal(ev.firstTime, Date.parse('2026-11-22T10:00:32Z'));
    assert.equal(ev.lastTime, ev.firstTime);
  });

  it('refines the last time with the observation of this update, within its second', () => {
    const observed = Date.parse('2026-11-22T10:00:32.287Z');
    const ev = normaliseEvent(combined, observed, sink());
    assert.ok(!isRejected(ev));
    assert.equal(ev.firstTime, observed);
    assert.equal(ev.lastTime, observed);
  });

  it('prefers series.lastObservedTime (events.k8s.io) over the deprecated last time', () => {
    const ev = ok({
      ...eventsV1,
      note: '(combined from similar events): 0/3 nodes are available',
      deprecatedLastTimestamp: '2026-11-22T10:00:59Z',
    });
    assert.equal(ev.occurrence, 4);
    assert.equal(ev.firstTime, Date.parse('2026-11-22T10:01:00.500Z'));
    assert.equal(ev.lastTime, ev.firstTime);
    assert.equal(ev.message, '0/3 nodes are available');
  });

  it('falls back to the observation when the update carries no last time (not the first occurrence)', () => {
    const s = sink();
    const ev = ok({ ...combined, lastTimestamp: undefined }, s);
    assert.equal(ev.firstTime, OBSERVED);
    assert.equal(ev.lastTime, OBSERVED);
    assert.ok(s.issues.includes('missing-timestamp'));
  });

  it('leaves an ordinary Event one action: no occurrence, the message is the note', () => {
    const ev = ok(coreV1);
    assert.equal(ev.occurrence, undefined);
    assert.equal(ev.message, ev.note);
    const mid = ok({ ...coreV1, message: 'pulled (combined from similar events): x' });
    assert.equal(mid.occurrence, undefined);
    assert.equal(mid.message, mid.note);
  });

  it('counts the first occurrence of a combined Event as occurrence 1', () => {
    const ev = ok({ ...combined, count: undefined, firstTimestamp: combined.lastTimestamp });
    assert.equal(ev.occurrence, 1);
  });
});
