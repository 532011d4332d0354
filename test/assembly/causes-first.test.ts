import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startCausesFirst } from '../../src/assembly/causes-first.js';
import type { SpanRecord } from '../../src/model/span-record.js';

const S = Date.parse('2026-11-30T10:00:00Z');

function span(
  spanId: string,
  parentSpanId: string | undefined,
  start: number,
  end = start + 100,
): SpanRecord {
  return {
    traceId: 't',
    spanId,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    name: spanId,
    role: 'lifecycle',
    service: 's',
    startTime: start,
    endTime: end,
    status: { code: 'UNSET' },
    attributes: {},
    events: [],
    links: [],
  };
}

const startsOf = (spans: readonly SpanRecord[]) =>
  Object.fromEntries(spans.map((s) => [s.spanId, s.startTime - S]));

describe('startCausesFirst', () => {
  it('starts a refined parent at its exact child, and its own parent with it, keeping their ends', () => {
    // Created pod (refined) → Pod lifecycle (refined) → Scheduled (exact, 35 ms before the lifecycle).
    const spans = [
      span('root', undefined, S + 10, S + 900),
      span('created', 'root', S + 120),
      span('lifecycle', 'created', S + 120, S + 400),
      span('scheduled', 'lifecycle', S + 85, S + 85),
    ];
    startCausesFirst(
      spans,
      new Map([
        ['created', S],
        ['lifecycle', S],
      ]),
    );
    assert.deepEqual(startsOf(spans), { root: 10, created: 85, lifecycle: 85, scheduled: 85 });
    assert.equal(spans[2]?.endTime, S + 400);
  });

  it("never before its stamp's second, nor before the root; an exact time does not move", () => {
    const spans = [
      span('root', undefined, S + 50, S + 2000),
      span('step', 'root', S + 1_020),
      span('early', 'step', S + 700),
      span('exact', 'root', S + 300),
      span('child', 'exact', S + 200),
      span('gone', 'root', S + 600),
      span('killing', 'gone', S + 20),
    ];
    startCausesFirst(
      spans,
      new Map([
        ['step', S + 1_000],
        ['gone', Number.NEGATIVE_INFINITY],
      ]),
    );
    assert.deepEqual(startsOf(spans), {
      root: 50,
      step: 1_000,
      early: 700,
      exact: 300,
      child: 200,
      gone: 50,
      killing: 20,
    });
  });
});
