// One test per metric: each is read back from the real prom-client registry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineStats } from '../../src/assembly/engine-stats.js';
import { KubetrailMetrics } from '../../src/ops/metrics.js';
import { MetricsFeed, type SinkCountersView } from '../../src/ops/metrics-feed.js';
import { smallTrace } from '../export/fixtures.js';

function setup() {
  const metrics = new KubetrailMetrics({ defaultMetrics: false });
  return { metrics, feed: new MetricsFeed(metrics) };
}

/** Every sample of `name` as `{labels} → value`, e.g. `{"bound":"objects"}` → 3. */
async function samples(metrics: KubetrailMetrics, name: string): Promise<Record<string, number>> {
  const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
  assert.ok(m, `metric ${name} exists`);
  const out: Record<string, number> = {};
  for (const v of m.values as {
    labels: Record<string, string | number>;
    value: number;
    metricName?: string;
  }[]) {
    if (v.metricName !== undefined && v.metricName !== name && !v.metricName.endsWith('_count')) continue;
    out[JSON.stringify(v.labels)] = v.value;
  }
  return out;
}

async function typeOf(metrics: KubetrailMetrics, name: string): Promise<string> {
  return String((await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name)?.type);
}

const stats = (o: Partial<EngineStats> = {}): EngineStats => ({
  deltasByType: {},
  deltasByKind: {},
  rejected: {},
  repaired: {},
  evictions: {},
  tracesEmitted: 0,
  lateRecords: 0,
  spansEmitted: 0,
  backfillLeftOut: 0,
  objects: 0,
  tombstones: 0,
  openTraces: 0,
  pending: 0,
  clockOffsetMs: undefined,
  clockOffsetUncertaintyMs: undefined,
  clockSteps: { forward: 0, backward: 0 },
  ...o,
});

const sinkCounters = (o: Partial<SinkCountersView> = {}): SinkCountersView => ({
  spansExported: 0,
  spansDropped: 0,
  exportErrors: 0,
  tracesKept: 0,
  tracesSampledOut: 0,
  spansSampledOut: 0,
  queued: 0,
  ...o,
});

describe('metrics', () => {
  it('a counter is named _total and a _total is a counter, for every metric (no cumulative gauges)', async () => {
    const { metrics } = setup();
    for (const m of await metrics.registry.getMetricsAsJSON()) {
      if (String(m.type) === 'histogram') continue;
      assert.equal(String(m.type) === 'counter', m.name.endsWith('_total'), `${m.name} is a ${m.type}`);
    }
  });

  it('kubetrail_deltas_total: by kind and type, the initial list as INITIAL', async () => {
    const { metrics, feed } = setup();
    feed.delta({ time: 0, type: 'ADDED', object: { kind: 'Pod' }, initial: true });
    feed.delta({ time: 0, type: 'MODIFIED', object: { kind: 'Pod' } });
    feed.delta({ time: 0, type: 'MODIFIED', object: { kind: 'Pod' } });
    feed.delta({ time: 0, type: 'DELETED', object: null });
    assert.deepEqual(await samples(metrics, 'kubetrail_deltas_total'), {
      '{"resource":"Pod","type":"INITIAL"}': 1,
      '{"resource":"Pod","type":"MODIFIED"}': 2,
      '{"resource":"unknown","type":"DELETED"}': 1,
    });
  });

  it('kubetrail_deltas_total: counted in plain numbers, added to the counter once per scrape', async () => {
    const { metrics, feed } = setup();
    const inc = metrics.deltas.inc.bind(metrics.deltas);
    let incs = 0;
    metrics.deltas.inc = ((...args: Parameters<typeof inc>) => {
      incs += 1;
      inc(...args);
    }) as typeof metrics.deltas.inc;
    for (let i = 0; i < 100; i++) feed.delta({ time: 0, type: 'MODIFIED', object: { kind: 'Pod' } });
    assert.equal(incs, 0, 'no prom-client call per delta');
    const first = await samples(metrics, 'kubetrail_deltas_total');
    assert.deepEqual(first, { '{"resource":"Pod","type":"MODIFIED"}': 100 });
    assert.equal(incs, 1);
    // A scrape with nothing new adds nothing; the next delta is added once.
    assert.deepEqual(await samples(metrics, 'kubetrail_deltas_total'), first);
    feed.delta({ time: 0, type: 'MODIFIED', object: { kind: 'Pod' } });
    feed.delta({ time: 0, type: 'ADDED', object: { kind: 'Node' } });
    assert.deepEqual(await samples(metrics, 'kubetrail_deltas_total'), {
      '{"resource":"Pod","type":"MODIFIED"}': 101,
      '{"resource":"Node","type":"ADDED"}': 1,
    });
    assert.equal(incs, 3);
  });

  it('onCollect: a source runs when the metrics are read, so per-tick figures need no timer', async () => {
    const { metrics, feed } = setup();
    let objects = 4;
    let evicted = 1;
    metrics.onCollect(() => feed.engine(stats({ objects, evictions: { objects: evicted } })));
    assert.deepEqual((await samples(metrics, 'kubetrail_buffer_size'))['{"buffer":"objects"}'], 4);
    objects = 6;
    evicted = 3;
    assert.deepEqual((await samples(metrics, 'kubetrail_buffer_size'))['{"buffer":"objects"}'], 6);
    assert.deepEqual(await samples(metrics, 'kubetrail_evictions_total'), { '{"bound":"objects"}': 3 });
  });

  it('kubetrail_event_lag_seconds: observed minus the Event time, for watched Events only', async () => {
    const { metrics, feed } = setup();
    const at = Date.parse('2026-11-30T09:00:00Z');
    const event = { kind: 'Event', eventTime: '2026-11-30T09:00:00.000000Z' };
    feed.delta({ time: at + 1_500, type: 'ADDED', object: event });
    feed.delta({ time: at + 9_000, type: 'ADDED', object: event, initial: true });
    feed.delta({ time: at + 9_000, type: 'ADDED', object: { kind: 'Pod' } });
    const text = await metrics.registry.getSingleMetricAsString('kubetrail_event_lag_seconds');
    assert.match(text, /kubetrail_event_lag_seconds_sum 1\.5\n/);
    assert.match(text, /kubetrail_event_lag_seconds_count 1$/);
    assert.match(text, /kubetrail_event_lag_seconds_bucket\{le="1"\} 0\n/);
    assert.match(text, /kubetrail_event_lag_seconds_bucket\{le="2"\} 1\n/);
  });

  it('kubetrail_watch_restarts_total: by resource and reason, forbidden apart from error', async () => {
    const { metrics, feed } = setup();
    feed.reflector('apps/v1/deployments', { type: 'restart', reason: 'forbidden', status: 403, error: 'x' });
    feed.reflector('apps/v1/deployments', { type: 'restart', reason: 'forbidden', status: 403, error: 'x' });
    feed.reflector('core/v1/pods', { type: 'restart', reason: 'end' });
    feed.reflector('core/v1/pods', { type: 'listed', items: 3, initial: true });
    assert.deepEqual(await samples(metrics, 'kubetrail_watch_restarts_total'), {
      '{"resource":"apps/v1/deployments","reason":"forbidden"}': 2,
      '{"resource":"core/v1/pods","reason":"end"}': 1,
    });
  });

  it('kubetrail_watch_corrupt_frames_total: by resource', async () => {
    const { metrics, feed } = setup();
    feed.reflector('core/v1/pods', { type: 'corrupt-frame', sample: '{' });
    feed.reflector('core/v1/pods', { type: 'bookmark' });
    assert.deepEqual(await samples(metrics, 'kubetrail_watch_corrupt_frames_total'), {
      '{"resource":"core/v1/pods"}': 1,
    });
  });

  it('kubetrail_traces_emitted_total: settled traces by end, with no label about leadership', async () => {
    const { metrics, feed } = setup();
    feed.settled([smallTrace(), { ...smallTrace(), end: 'error' }, smallTrace()]);
    assert.deepEqual(await samples(metrics, 'kubetrail_traces_emitted_total'), {
      [`{"end":"${smallTrace().end}"}`]: 2,
      '{"end":"error"}': 1,
    });
  });

  it('kubetrail_spans_emitted_total: spans handed to the exporter', async () => {
    const { metrics, feed } = setup();
    feed.exported(4);
    feed.exported(0);
    feed.exported(3);
    assert.deepEqual(await samples(metrics, 'kubetrail_spans_emitted_total'), { '{}': 7 });
  });

  it('kubetrail_spans_dropped_total: exactly the reasons its help names', async () => {
    const { metrics, feed } = setup();
    feed.notLeader(5);
    feed.sink(sinkCounters({ spansDropped: 2, spansSampledOut: 3 }));
    feed.sink(sinkCounters({ spansDropped: 6, spansSampledOut: 3 }));
    feed.engine(stats({ backfillLeftOut: 2 }));
    feed.engine(stats({ backfillLeftOut: 7 }));
    const got = await samples(metrics, 'kubetrail_spans_dropped_total');
    assert.deepEqual(got, {
      '{"reason":"not_leader"}': 5,
      '{"reason":"export"}': 6,
      '{"reason":"sampled_out"}': 3,
      '{"reason":"backfill_unsettled"}': 7,
    });
    const help = (await metrics.registry.getMetricsAsJSON()).find(
      (m) => m.name === 'kubetrail_spans_dropped_total',
    )?.help;
    const named = /\(([^)]*)\)/.exec(help ?? '')?.[1]?.split(', ') ?? [];
    assert.deepEqual(
      named.sort(),
      Object.keys(got)
        .map((k) => (JSON.parse(k) as { reason: string }).reason)
        .sort(),
    );
  });

  it('kubetrail_traces_sampled_total: the sampler decisions, kept and sampled_out', async () => {
    const { metrics, feed } = setup();
    feed.sink(sinkCounters({ tracesKept: 3, tracesSampledOut: 1 }));
    feed.sink(sinkCounters({ tracesKept: 4, tracesSampledOut: 1 }));
    assert.deepEqual(await samples(metrics, 'kubetrail_traces_sampled_total'), {
      '{"decision":"kept"}': 4,
      '{"decision":"sampled_out"}': 1,
    });
  });

  it('kubetrail_export_errors_total: grows with the sinks', async () => {
    const { metrics, feed } = setup();
    feed.sink(sinkCounters({ exportErrors: 1 }));
    feed.sink(sinkCounters({ exportErrors: 1 }));
    feed.sink(sinkCounters({ exportErrors: 3 }));
    assert.deepEqual(await samples(metrics, 'kubetrail_export_errors_total'), { '{}': 3 });
  });

  it('kubetrail_buffer_size: a gauge per buffer, the export queue included', async () => {
    const { metrics, feed } = setup();
    feed.engine(stats({ objects: 9, tombstones: 2, openTraces: 3, pending: 1 }));
    feed.engine(stats({ objects: 7, tombstones: 2, openTraces: 1, pending: 0 }));
    feed.sink(sinkCounters({ queued: 12 }));
    assert.deepEqual(await samples(metrics, 'kubetrail_buffer_size'), {
      '{"buffer":"objects"}': 7,
      '{"buffer":"tombstones"}': 2,
      '{"buffer":"open_traces"}': 1,
      '{"buffer":"pending"}': 0,
      '{"buffer":"export_queue"}': 12,
    });
  });

  it('kubetrail_clock_offset_seconds: the engine estimate in seconds, NaN until there is one', async () => {
    const { metrics, feed } = setup();
    feed.engine(stats());
    assert.ok(Number.isNaN((await samples(metrics, 'kubetrail_clock_offset_seconds'))['{}']));
    feed.engine(stats({ clockOffsetMs: -2_750 }));
    assert.deepEqual(await samples(metrics, 'kubetrail_clock_offset_seconds'), { '{}': -2.75 });
    assert.equal(await typeOf(metrics, 'kubetrail_clock_offset_seconds'), 'gauge');
    assert.ok(Number.isNaN((await samples(metrics, 'kubetrail_clock_offset_uncertainty_seconds'))['{}']));
    feed.engine(stats({ clockOffsetMs: -2_750, clockOffsetUncertaintyMs: 60 }));
    assert.deepEqual(await samples(metrics, 'kubetrail_clock_offset_uncertainty_seconds'), { '{}': 0.06 });
  });

  it('kubetrail_clock_steps_total: a counter by direction, fed from the cumulative engine stats', async () => {
    const { metrics, feed } = setup();
    feed.engine(stats());
    feed.engine(stats({ clockSteps: { forward: 2, backward: 0 } }));
    feed.engine(stats({ clockSteps: { forward: 2, backward: 1 } }));
    feed.engine(stats({ clockSteps: { forward: 2, backward: 1 } }));
    assert.equal(await typeOf(metrics, 'kubetrail_clock_steps_total'), 'counter');
    assert.deepEqual(await samples(metrics, 'kubetrail_clock_steps_total'), {
      '{"direction":"forward"}': 2,
      '{"direction":"backward"}': 1,
    });
  });

  it('kubetrail_evictions_total: a counter by bound, fed from the cumulative engine stats', async () => {
    const { metrics, feed } = setup();
    feed.engine(stats({ evictions: { objects: 2 } }));
    feed.engine(stats({ evictions: { objects: 5, pending: 1 } }));
    feed.engine(stats({ evictions: { objects: 5, pending: 1 } }));
    assert.equal(await typeOf(metrics, 'kubetrail_evictions_total'), 'counter');
    assert.deepEqual(await samples(metrics, 'kubetrail_evictions_total'), {
      '{"bound":"objects"}': 5,
      '{"bound":"pending"}': 1,
    });
  });

  it('kubetrail_rejected_input_total: a counter by reason, fed from the cumulative engine stats', async () => {
    const { metrics, feed } = setup();
    feed.engine(stats({ rejected: { 'missing-uid': 1 } }));
    feed.engine(stats({ rejected: { 'missing-uid': 4, duplicate: 2 } }));
    assert.equal(await typeOf(metrics, 'kubetrail_rejected_input_total'), 'counter');
    assert.deepEqual(await samples(metrics, 'kubetrail_rejected_input_total'), {
      '{"reason":"missing-uid"}': 4,
      '{"reason":"duplicate"}': 2,
    });
  });

  it('kubetrail_leader: 1 while this replica may export', async () => {
    const { metrics, feed } = setup();
    feed.leader(true);
    assert.deepEqual(await samples(metrics, 'kubetrail_leader'), { '{}': 1 });
    feed.leader(false);
    assert.deepEqual(await samples(metrics, 'kubetrail_leader'), { '{}': 0 });
  });

  it('collects the Node.js process metrics with a coarse event-loop monitor', async () => {
    const metrics = new KubetrailMetrics();
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    assert.ok(names.includes('kubetrail_process_cpu_seconds_total'));
    assert.ok(names.includes('kubetrail_nodejs_eventloop_lag_p99_seconds'));
  });
});
