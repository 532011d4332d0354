import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_INTENTS_PER_ROOT } from '../../src/assembly/intent-bound.js';
import type { Delta } from '../../src/model/delta.js';
import { replayWithEngine } from './trees.js';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
const UID = '6a1f1b1e-0000-4000-8000-000000000001';
const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

/** A Deployment at `generation`, observed up to `observed`: done when they are equal. */
function deployment(generation: number, observed: number, written: number, rv: number): unknown {
  const done = observed === generation;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'churn',
      namespace: 'default',
      uid: UID,
      resourceVersion: String(rv),
      generation,
      creationTimestamp: iso(T0),
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Update',
          apiVersion: 'apps/v1',
          time: iso(written),
          fieldsV1: { 'f:spec': {} },
        },
      ],
    },
    spec: { replicas: 1 },
    status: {
      observedGeneration: observed,
      replicas: 1,
      updatedReplicas: done ? 1 : 0,
      readyReplicas: 1,
      availableReplicas: 1,
      conditions: [{ type: 'Available', status: 'True', lastTransitionTime: iso(T0 + 2_000) }],
    },
  };
}

/** An Event about the Deployment at `at`. */
function event(n: number, at: number): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `churn.${n}`,
      namespace: 'default',
      uid: `ev-${n}`,
      resourceVersion: String(900_000 + n),
    },
    involvedObject: {
      kind: 'Deployment',
      namespace: 'default',
      name: 'churn',
      uid: UID,
      apiVersion: 'apps/v1',
    },
    reason: 'ScalingReplicaSet',
    message: `Scaled up replica set churn-${n} from 0 to 1`,
    type: 'Normal',
    source: { component: 'deployment-controller' },
    reportingComponent: 'deployment-controller',
    firstTimestamp: iso(at),
    lastTimestamp: iso(at),
    count: 1,
  };
}

/** One Deployment changed `generations` times, 20 s apart, each change done 2 s later: never quiet for long. */
function churn(generations: number, late: readonly [number, number][]): Delta[] {
  const out: Delta[] = [];
  let rv = 1000;
  for (let g = 1; g <= generations; g++) {
    const at = T0 + (g - 1) * 20_000;
    out.push({
      time: at + 100,
      type: g === 1 ? 'ADDED' : 'MODIFIED',
      object: deployment(g, g - 1, at, rv++),
    });
    out.push({ time: at + 2_100, type: 'MODIFIED', object: deployment(g, g, at, rv++) });
  }
  const end = T0 + generations * 20_000;
  for (const [n, at] of late) out.push({ time: end + n * 100, type: 'ADDED', object: event(n, at) });
  return out;
}

describe('intents per root', () => {
  const generations = MAX_INTENTS_PER_ROOT + 36;
  // Late Events: one in the second generation's period, one in the last one's.
  const oldAt = T0 + 20_000 + 500;
  const newAt = T0 + (generations - 1) * 20_000 + 500;
  const { records, engine } = replayWithEngine(
    churn(generations, [
      [1, oldAt],
      [2, newAt],
    ]),
  );
  const stats = engine.stats();

  it(`keeps at most ${MAX_INTENTS_PER_ROOT} generations of a root that is never quiet, and counts what it lets go of`, () => {
    assert.equal(stats.evictions.intentsPerRoot, generations - MAX_INTENTS_PER_ROOT);
  });

  it('still emits every generation once, each in a trace of its own', () => {
    const firsts = records.filter((r) => r.late !== true);
    assert.equal(firsts.length, generations);
    assert.equal(new Set(firsts.map((r) => r.traceId)).size, generations);
  });

  it('drops a late Event of a generation let go of, and still places one of a kept generation', () => {
    const spans = records.flatMap((r) => r.spans).filter((s) => s.role === 'action');
    const names = spans.map((s) => s.attributes['k8s.event.uid']);
    assert.ok(names.includes('ev-2'), 'the kept generation got its late Event');
    assert.ok(!names.includes('ev-1'), 'the let-go generation got no late span');
    assert.ok((stats.rejected['trace-closed'] ?? 0) >= 1);
  });
});
