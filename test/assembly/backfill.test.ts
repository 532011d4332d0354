import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { TraceEngine } from '../../src/assembly/trace-engine.js';
import { ATTR_KUBETRAIL_BACKFILL_LEFT_OUT } from '../../src/model/attributes.js';
import type { Delta } from '../../src/model/delta.js';
import { traceIdOf } from '../../src/model/ids.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { differences, listedAfter } from './restart-cut.js';
import { repoRoot } from './trees.js';

/**
 * --backfill, against the live run: every span a backfill sends has the trace id,
 * span id and parent the live run gave the same span (the same Event, or the same
 * object's lifecycle or termination), read from the two replays.
 */
const LIVE = path.join(repoRoot(), 'test/fixtures/live');

function load(name: string): Delta[] {
  return parseRecording(readFileSync(path.join(LIVE, name), 'utf8'), name);
}

function meta(d: Delta): { uid?: string; resourceVersion?: string; generation?: number } {
  return (
    (d.object as { metadata?: { uid?: string; resourceVersion?: string; generation?: number } }).metadata ??
    {}
  );
}

/** The spans of `backfilled` that `plain` (the same restart without --backfill) does not send alike. */
function addedTo(plain: readonly TraceRecord[], backfilled: readonly TraceRecord[]): TraceRecord[] {
  const key = (r: TraceRecord, s: SpanRecord): string => `${r.traceId} ${s.spanId} ${s.parentSpanId ?? ''}`;
  const sent = new Set(plain.flatMap((r) => r.spans.map((s) => key(r, s))));
  return backfilled.map((r) => ({ ...r, spans: r.spans.filter((s) => !sent.has(key(r, s))) }));
}

const spanCount = (records: readonly TraceRecord[]): number =>
  records.reduce((n, r) => n + r.spans.length, 0);

describe('--backfill after three finished rollouts, then a fourth (recorded live)', () => {
  const three = load('three-rollouts.jsonl');
  const restart = load('restart-after-three-rollouts.jsonl');
  const live = replay([...three, ...restart.filter((d) => d.initial !== true)]);
  const backfilled = replay(restart, { backfill: true });
  const plain = replay(restart);
  const listed = restart.find(
    (d) => d.initial === true && (d.object as { kind?: string }).kind === 'Deployment',
  );
  assert.ok(listed !== undefined);
  const { uid, generation } = meta(listed);

  it('sends every span with the trace id, span id and parent of the live run', () => {
    assert.deepEqual(differences(live, backfilled), []);
  });

  it('rebuilds the generation the list shows, marked partial, and sends more than a plain restart', () => {
    const rebuilt = backfilled.find(
      (r) => r.traceId === traceIdOf(String(uid), generation ?? 0) && r.late !== true,
    );
    assert.ok(rebuilt, 'its root goes out');
    assert.equal(rebuilt.partial, true);
    assert.equal(rebuilt.root.attributes['kubetrail.trace.partial'], true);
    assert.ok(
      spanCount(backfilled) > spanCount(plain),
      `${spanCount(backfilled)} > ${spanCount(plain)} spans`,
    );
  });

  it('sends nothing of the generations in between, whose starts the list does not show', () => {
    for (let g = 2; g < (generation ?? 0); g++) {
      assert.ok(!backfilled.some((r) => r.traceId === traceIdOf(String(uid), g)), `generation ${g}`);
    }
  });
});

describe('--backfill after a restart in the middle of each of three rollouts', () => {
  const deltas = load('three-rollouts.jsonl');
  const live = replay(deltas);
  const generationOf = (d: Delta): number | undefined =>
    (d.object as { kind?: string }).kind === 'Deployment' ? meta(d).generation : undefined;
  for (const gen of [2, 3, 4]) {
    const start = deltas.findIndex((d) => generationOf(d) === gen);
    for (const k of [1, 5, 10, 20, 40]) {
      it(`generation ${gen}, delta ${start + k}: every span as the live run sent it`, () => {
        const backfilled = replay(listedAfter(deltas, start + k), { backfill: true });
        assert.ok(spanCount(backfilled) > 0);
        assert.deepEqual(differences(live, backfilled), []);
      });
    }
  }
});

describe('--backfill after a restart at every third delta of every live recording, and after its end', () => {
  // Every recording whose initial list shows no Events: each is a run a kubetrail
  // watched from its start, so its replay is the live run a restart is compared with.
  const files = readdirSync(LIVE)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .filter(
      (f) => !load(f).some((d) => d.initial === true && (d.object as { kind?: string }).kind === 'Event'),
    );
  it('covers the recordings', () => {
    assert.ok(files.length >= 18, files.join(' '));
  });
  for (const file of files) {
    it(`${file}: what --backfill adds to a plain restart is as the live run sent it`, () => {
      const deltas = load(file);
      const live = replay(deltas);
      const cuts: number[] = [];
      for (let cut = 4; cut < deltas.length; cut += 3) cuts.push(cut);
      cuts.push(deltas.length);
      let added = 0;
      const wrong: string[] = [];
      for (const cut of cuts) {
        const listed = listedAfter(deltas, cut);
        const more = addedTo(replay(listed), replay(listed, { backfill: true }));
        added += spanCount(more);
        for (const d of differences(live, more)) wrong.push(`restart after delta ${cut}: ${d}`);
      }
      assert.deepEqual(wrong, []);
      assert.ok(added > 0, 'the backfill adds spans');
    });
  }
});

describe('--backfill says what the list does not settle', () => {
  // four-image-changes restarted in its fourth rollout: the list's combined
  // ScalingReplicaSet Event shows its last note only, so the Deleted pods of the
  // scale-downs it lost are left out.
  const deltas = load('four-image-changes.jsonl');
  const held: { engine?: TraceEngine } = {};
  const records = replay(listedAfter(deltas, 199), { backfill: true, onEngine: (e) => (held.engine = e) });
  const leftOut = (): number => held.engine?.stats().backfillLeftOut ?? -1;

  it('counts the spans left out', () => {
    assert.ok(leftOut() > 0, String(leftOut()));
  });

  it('marks the rebuilt root with how many of its spans it left out', () => {
    const marked = records.filter(
      (r) => r.late !== true && r.root.attributes[ATTR_KUBETRAIL_BACKFILL_LEFT_OUT] !== undefined,
    );
    assert.ok(marked.length > 0, 'a root says so');
    let total = 0;
    for (const r of marked) {
      const n = r.root.attributes[ATTR_KUBETRAIL_BACKFILL_LEFT_OUT];
      assert.ok(typeof n === 'number' && n > 0);
      total += n;
    }
    assert.ok(total <= leftOut());
  });

  it('a plain restart leaves nothing out', () => {
    const plain: { engine?: TraceEngine } = {};
    const out = replay(listedAfter(deltas, 199), { onEngine: (e) => (plain.engine = e) });
    assert.ok(out.length > 0);
    assert.ok(!out.some((r) => r.root.attributes[ATTR_KUBETRAIL_BACKFILL_LEFT_OUT] !== undefined));
    assert.equal(plain.engine?.stats().backfillLeftOut, 0);
  });
});
