// HA tap: two in-process taps over real gRPC on 127.0.0.1, one leading and one
// standing by, each forwarding to the same raw OTLP backend (inline topology).
// What reaches the standby is forwarded once, by the standby, and its
// correlation spans are relayed to the leader, which indexes them but neither
// forwards them again nor relays them back.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { createLogger } from '../../src/cli/log.js';
import { startTap, type TapHandle } from '../../src/cli/tap.js';
import { DEFAULT_CONFIG, type KubetrailConfig } from '../../src/config/config.js';
import type { TapSpan } from '../../src/model/tap-span.js';
import { decodeTraceRequest, encodeTraceRequest } from '../../src/sources/tap/decode-trace-request.js';
import { identityWithTapAddress, tapAddressOf } from '../../src/sources/tap/peer-identity.js';
import type { TapRelayLeader } from '../../src/sources/tap/tap-relay.js';
import { freePort } from '../e2e/kubetrail-process.js';
import { sendOtlpBytes, startRawOtlpServer } from '../sources/tap/raw-otlp-server.js';
import { handlerSpan } from '../sources/tap/tap-spans.js';

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 8_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A write the correlation index keeps (it has an audit id), and a read it does not. */
const write = (i: number): TapSpan => handlerSpan(i, { 'audit-id': `audit-${i}` });
const read = (i: number): TapSpan => ({ ...handlerSpan(i), name: 'List', attributes: { verb: 'LIST' } });

async function metric(registry: Registry, line: string): Promise<number> {
  const text = await registry.metrics();
  const m = new RegExp(`^${line.replace(/[{}"=]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

describe('tap relay between two replicas', () => {
  const closing: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of closing.reverse()) await c();
  });

  async function replica(
    config: Partial<KubetrailConfig>,
    leader: () => TapRelayLeader,
    name: string,
    logs: string[] = [],
  ): Promise<{ tap: TapHandle; registry: Registry; port: number; logs: string[] }> {
    const port = await freePort();
    const registry = new Registry();
    const tap = await startTap({
      config: { ...DEFAULT_CONFIG, tapListen: `127.0.0.1:${port}`, leaderElect: true, ...config },
      log: createLogger({ level: 'warn', write: (l) => logs.push(l) }),
      registry,
      // The hand-built spans are from 2025-11-30: the index windows by the time it is given.
      now: () => 1_764_494_140_000,
      election: { identity: identityWithTapAddress(name, `127.0.0.1:${port}`), leader },
    });
    assert.ok(tap);
    closing.push(() => tap.close(1_000));
    return { tap, registry, port, logs };
  }

  it('the standby forwards what it receives once and relays the correlation spans to the leader', async () => {
    const backend = await startRawOtlpServer(0);
    closing.push(() => backend.close());
    const endpoint = `127.0.0.1:${backend.port}`;
    const leader = await replica({ endpoint }, () => ({ self: true, holder: undefined }), 'a');
    const leaderHolder = identityWithTapAddress('a', `127.0.0.1:${leader.port}`);
    const standby = await replica({ endpoint }, () => ({ self: false, holder: leaderHolder }), 'b');

    const original = encodeTraceRequest([write(1), read(2)]);
    assert.equal(await sendOtlpBytes(standby.port, original), status.OK);
    await until('the leader indexed the relayed write', () => leader.tap.correlator.stats().requests === 1);
    await until('the standby forwarded the original', () => backend.requests.length === 1);
    // The backend got the original bytes, from the standby only: the leader forwarded nothing.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(backend.requests.length, 1);
    assert.deepEqual(backend.requests[0], Buffer.from(original));
    assert.equal(standby.tap.correlator.stats().requests, 1, 'the standby indexes what it received too');
    assert.equal(await metric(standby.registry, 'kubetrail_tap_relay_spans_total{direction="sent"}'), 1);
    assert.equal(await metric(leader.registry, 'kubetrail_tap_relay_spans_total{direction="received"}'), 1);
    assert.equal(await metric(leader.registry, 'kubetrail_tap_spans_received_total'), 0);
    assert.equal(await metric(leader.registry, 'kubetrail_tap_spans_forwarded_total'), 0);
    assert.equal(await metric(standby.registry, 'kubetrail_tap_spans_forwarded_total'), 2);
    // Only the write was relayed: the read is of no use to correlation.
    assert.equal(await metric(leader.registry, 'kubetrail_tap_relay_spans_total{direction="sent"}'), 0);
  });

  it('what was relayed is never relayed on, even by a replica that is not leading', async () => {
    let aHolder = '';
    const a = await replica({ tapForward: false }, () => ({ self: false, holder: aHolder }), 'a');
    let bHolder = '';
    const b = await replica({ tapForward: false }, () => ({ self: false, holder: bHolder }), 'b');
    // Each believes the other leads: b relays to a, and a must not relay back to b.
    aHolder = identityWithTapAddress('b', `127.0.0.1:${b.port}`);
    bHolder = identityWithTapAddress('a', `127.0.0.1:${a.port}`);
    assert.equal(await sendOtlpBytes(b.port, encodeTraceRequest([write(3)])), status.OK);
    await until('a got the relayed write', () => a.tap.correlator.stats().requests === 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await metric(a.registry, 'kubetrail_tap_relay_spans_total{direction="received"}'), 1);
    assert.equal(await metric(a.registry, 'kubetrail_tap_relay_spans_total{direction="sent"}'), 0);
    assert.equal(await metric(b.registry, 'kubetrail_tap_relay_spans_total{direction="received"}'), 0);
  });

  it('the leader relays nothing; a leader whose identity has no address gets nothing, counted and logged once', async () => {
    const alone = await replica({ tapForward: false }, () => ({ self: true, holder: 'x' }), 'x');
    assert.equal(await sendOtlpBytes(alone.port, encodeTraceRequest([write(4)])), status.OK);
    await until('indexed', () => alone.tap.correlator.stats().requests === 1);
    assert.equal(await metric(alone.registry, 'kubetrail_tap_relay_spans_total{direction="sent"}'), 0);
    assert.equal(await metric(alone.registry, 'kubetrail_tap_relay_queue{unit="requests"}'), 0);

    const logs: string[] = [];
    const s = await replica({ tapForward: false }, () => ({ self: false, holder: 'pod-a' }), 'y', logs);
    assert.equal(await sendOtlpBytes(s.port, encodeTraceRequest([write(5)])), status.OK);
    assert.equal(await sendOtlpBytes(s.port, encodeTraceRequest([write(6)])), status.OK);
    await until(
      'two drops counted',
      async () =>
        (await metric(s.registry, 'kubetrail_tap_relay_dropped_total{reason="no_leader_address"}')) === 2,
    );
    assert.equal(logs.filter((l) => l.includes('carries no tap address')).length, 1, logs.join('\n'));
  });

  it('relays held while no leader is known go to the leader once the Lease names one', async () => {
    const leader = await replica({ tapForward: false }, () => ({ self: true, holder: undefined }), 'l');
    let holder: string | undefined;
    const s = await replica({ tapForward: false }, () => ({ self: false, holder }), 's');
    assert.equal(await sendOtlpBytes(s.port, encodeTraceRequest([write(7)])), status.OK);
    await until(
      'queued',
      async () => (await metric(s.registry, 'kubetrail_tap_relay_queue{unit="requests"}')) === 1,
    );
    holder = identityWithTapAddress('l', `127.0.0.1:${leader.port}`);
    await until('relayed after the retry', () => leader.tap.correlator.stats().requests === 1);
  });
});

describe('the tap address in the holder identity', () => {
  it('round-trips, and an identity without one carries none', () => {
    const id = identityWithTapAddress('kubetrail-5d9c-x2x7q', '10.244.1.7:4317');
    assert.equal(id, 'kubetrail-5d9c-x2x7q@10.244.1.7:4317');
    assert.equal(tapAddressOf(id), '10.244.1.7:4317');
    assert.equal(tapAddressOf('kubetrail-5d9c-x2x7q'), undefined);
    assert.equal(tapAddressOf(''), undefined);
    assert.equal(tapAddressOf(undefined), undefined);
    assert.equal(tapAddressOf('a@not an address'), undefined);
    assert.equal(tapAddressOf('a@10.0.0.1:0'), undefined);
    assert.equal(identityWithTapAddress('a', undefined), 'a');
    // The relayed request decodes as the original spans.
    const decoded = decodeTraceRequest(encodeTraceRequest([write(9)]));
    assert.ok(decoded.ok);
    assert.equal(decoded.spans[0]?.attributes['audit-id'], 'audit-9');
  });
});
