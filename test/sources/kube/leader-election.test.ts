// The elector on an injected clock against an in-memory Lease endpoint: the
// timing rules that keep two replicas from exporting at once. The real
// apiserver and a real failover are covered end to end (in-cluster.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LeaderElectionOptions, LeaderElector } from '../../../src/sources/kube/leader-election.js';
import { LeaseStore, LeaseTransport } from './lease-store.js';
import { ManualTiming } from './manual-timing.js';

const PATH = '/apis/coordination.k8s.io/v1/namespaces/kubetrail/leases/kubetrail';

function elector(
  identity: string,
  transport: LeaseTransport,
  timing: ManualTiming,
  more: Partial<LeaderElectionOptions> = {},
) {
  const changes: boolean[] = [];
  const errors: string[] = [];
  const e = new LeaderElector({
    transport,
    namespace: 'kubetrail',
    name: 'kubetrail',
    identity,
    timing,
    onChange: (leader) => changes.push(leader),
    onError: (m) => errors.push(m),
    ...more,
  });
  return { e, changes, errors };
}

const micro = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

describe('LeaderElector', () => {
  it('creates a missing Lease, renews it every retry period, and releases it on stop', async () => {
    const store = new LeaseStore();
    const timing = new ManualTiming();
    const t0 = timing.clock.now();
    const a = elector('a', new LeaseTransport(store), timing);
    a.e.start();
    await timing.advance(0);
    assert.equal(a.e.isLeader, true);
    assert.deepEqual(a.changes, [true]);
    assert.equal(store.leases.get(PATH)?.spec.holderIdentity, 'a');
    assert.equal(store.leases.get(PATH)?.spec.leaseDurationSeconds, 15);
    await timing.advance(2_000);
    assert.equal(store.leases.get(PATH)?.spec.renewTime, micro(t0 + 2_000));
    assert.equal(store.leases.get(PATH)?.spec.acquireTime, micro(t0));
    await a.e.stop();
    assert.equal(store.leases.get(PATH)?.spec.holderIdentity, '');
    assert.deepEqual(a.changes, [true, false]);
    assert.equal(a.e.isLeader, false);
  });

  it('takes over a Lease that stopped changing a lease duration ago by the local clock, whatever its renewTime says', async () => {
    const store = new LeaseStore();
    const timing = new ManualTiming();
    // The dead holder's clock ran four years ahead: its renewTime is in our future.
    store.put(PATH, {
      holderIdentity: 'b',
      leaseDurationSeconds: 15,
      renewTime: micro(Date.UTC(2030, 0, 1)),
      leaseTransitions: 3,
    });
    const a = elector('a', new LeaseTransport(store), timing);
    a.e.start();
    await timing.advance(14_000);
    assert.equal(a.e.isLeader, false, 'still valid: seen unchanged for 14 s only');
    await timing.advance(4_000);
    assert.equal(a.e.isLeader, true, 'expired: unchanged for a full lease duration');
    assert.equal(store.leases.get(PATH)?.spec.holderIdentity, 'a');
    assert.equal(store.leases.get(PATH)?.spec.leaseTransitions, 4);
    await a.e.stop();
  });

  it('never takes a Lease whose holder keeps renewing, even with a renewTime far in the past', async () => {
    const store = new LeaseStore();
    const timing = new ManualTiming();
    // The live holder's clock runs an hour behind ours.
    const renewB = () =>
      store.put(PATH, {
        holderIdentity: 'b',
        leaseDurationSeconds: 15,
        renewTime: micro(timing.clock.now() - 3_600_000),
      });
    renewB();
    const a = elector('a', new LeaseTransport(store), timing);
    a.e.start();
    for (let i = 0; i < 30; i++) {
      await timing.advance(2_000);
      renewB();
      assert.equal(a.e.isLeader, false);
    }
    assert.deepEqual(a.changes, []);
    await a.e.stop();
  });

  it('stops leading at the renew deadline while a renewal hangs, before the Lease can expire for others', async () => {
    const store = new LeaseStore();
    const timing = new ManualTiming();
    const transport = new LeaseTransport(store);
    const a = elector('a', transport, timing);
    a.e.start();
    await timing.advance(0);
    assert.equal(a.e.isLeader, true);
    transport.hang = true;
    await timing.advance(9_999);
    assert.equal(a.e.isLeader, true, 'within the renew deadline');
    await timing.advance(1);
    assert.equal(a.e.isLeader, false, 'at the renew deadline (10 s), by the clock alone');
    assert.deepEqual(a.changes, [true, false], 'and the loop has noticed');
    assert.match(a.errors[0] ?? '', /lease kubetrail\/kubetrail: no answer within 8000 ms/);
    await a.e.stop();
  });

  it('two replicas on one Lease: never both leading, and the standby takes over from a partitioned leader', async () => {
    const store = new LeaseStore();
    const timing = new ManualTiming();
    const ta = new LeaseTransport(store);
    const a = elector('a', ta, timing);
    const b = elector('b', new LeaseTransport(store), timing);
    a.e.start();
    await timing.advance(0);
    assert.equal(b.e.holder, undefined, 'b has not looked yet');
    b.e.start();
    await timing.advance(0);
    assert.equal(b.e.holder, 'a', 'the standby knows who leads (the tap relays there)');
    assert.equal(a.e.holder, 'a');
    let bLedAt: number | undefined;
    const partitionedAt = timing.clock.now() + 5_000;
    for (let t = 0; t < 40_000; t += 250) {
      if (t === 5_000) ta.hang = true;
      await timing.advance(250);
      assert.ok(!(a.e.isLeader && b.e.isLeader), `both lead at +${t + 250} ms`);
      if (bLedAt === undefined && b.e.isLeader) bLedAt = timing.clock.now();
    }
    assert.deepEqual(a.changes, [true, false]);
    assert.ok(bLedAt !== undefined, 'the standby took over');
    // a last renewed at +4 s; b saw that change within a retry and waits a lease duration from then.
    assert.ok(bLedAt - partitionedAt <= 15_000 + 2_400, `takeover after ${bLedAt - partitionedAt} ms`);
    assert.equal(b.e.holder, 'b');
    ta.hang = false;
    await Promise.all([a.e.stop(), b.e.stop()]);
  });

  it('validates its timing eagerly', () => {
    const timing = new ManualTiming();
    const t = new LeaseTransport(new LeaseStore());
    assert.throws(
      () => elector('a', t, timing, { renewDeadlineMs: 15_000 }),
      /renewDeadlineMs must be below leaseDurationMs/,
    );
    assert.throws(
      () => elector('a', t, timing, { retryPeriodMs: 9_000 }),
      /retryPeriodMs × 1.2 must be below renewDeadlineMs/,
    );
    assert.throws(
      () => elector('a', t, timing, { leaseDurationMs: Number.NaN }),
      /leaseDurationMs must be a positive number/,
    );
    assert.throws(() => elector('', t, timing), /non-empty identity/);
  });
});
