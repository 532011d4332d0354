import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SendResult, TapUpstream } from '../../../src/sources/tap/grpc-upstream.js';
import { TapForwarder } from '../../../src/sources/tap/tap-forwarder.js';

/** An upstream whose answers the test decides (fault injection): each send waits for `answer`. */
class ScriptedUpstream implements TapUpstream {
  readonly sent: string[] = [];
  readonly #waiting: ((r: SendResult) => void)[] = [];
  closed = false;
  send(bytes: Buffer): Promise<SendResult> {
    this.sent.push(bytes.toString());
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
  answer(r: SendResult): void {
    const next = this.#waiting.shift();
    assert.ok(next, 'nothing in flight');
    next(r);
  }
  get inFlight(): number {
    return this.#waiting.length;
  }
  close(): void {
    this.closed = true;
  }
}

/** Timers the test fires by hand. */
function manualTimers() {
  const pending: { fn: () => void; ms: number }[] = [];
  return {
    pending,
    setTimer: (fn: () => void, ms: number) => {
      const t = { fn, ms };
      pending.push(t);
      return () => {
        const i = pending.indexOf(t);
        if (i >= 0) pending.splice(i, 1);
      };
    },
    fire(): void {
      const t = pending.shift();
      assert.ok(t, 'no timer pending');
      t.fn();
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));
const down: SendResult = { ok: false, retryable: true, error: 'connection refused' };

describe('TapForwarder', () => {
  it('validates its bounds eagerly', () => {
    const upstream = new ScriptedUpstream();
    assert.throws(() => new TapForwarder({ upstream, log: () => {}, maxQueueRequests: 0 }), TypeError);
    assert.throws(() => new TapForwarder({ upstream, log: () => {}, concurrency: 1.5 }), TypeError);
  });

  it('sends at most `concurrency` at once and drops (counted) beyond the request bound', async () => {
    const upstream = new ScriptedUpstream();
    const f = new TapForwarder({ upstream, log: () => {}, concurrency: 2, maxQueueRequests: 2 });
    const accepted = ['a', 'b', 'c', 'd', 'e'].map((x) => f.enqueue(Buffer.from(x), 3));
    assert.deepEqual(accepted, [true, true, true, true, false]);
    assert.deepEqual(upstream.sent, ['a', 'b']);
    assert.equal(f.counters().spansDropped.queue_full, 3);
    upstream.answer({ ok: true });
    await tick();
    assert.deepEqual(upstream.sent, ['a', 'b', 'c']);
  });

  it('drops beyond the byte bound', () => {
    const f = new TapForwarder({
      upstream: new ScriptedUpstream(),
      log: () => {},
      concurrency: 1,
      maxQueueBytes: 10,
    });
    assert.equal(f.enqueue(Buffer.alloc(4), 1), true); // in flight at once, not queued
    assert.equal(f.enqueue(Buffer.alloc(8), 1), true);
    assert.equal(f.enqueue(Buffer.alloc(3), 1), false);
    assert.equal(f.counters().queuedBytes, 8);
  });

  it('while the backend is down: one line, one probe at a time, oldest first, backoff doubling to the cap', async () => {
    const upstream = new ScriptedUpstream();
    const timers = manualTimers();
    const logs: string[] = [];
    const f = new TapForwarder({
      upstream,
      log: (m) => logs.push(m),
      concurrency: 2,
      minRetryDelayMs: 100,
      maxRetryDelayMs: 300,
      setTimer: timers.setTimer,
    });
    for (const x of ['a', 'b', 'c']) f.enqueue(Buffer.from(x), 1);
    upstream.answer(down);
    upstream.answer(down);
    await tick();
    assert.equal(f.counters().backendUp, false);
    assert.deepEqual(
      timers.pending.map((t) => t.ms),
      [100],
    );
    for (const ms of [200, 300, 300]) {
      timers.fire();
      assert.equal(upstream.inFlight, 1, 'one probe while down');
      upstream.answer(down);
      await tick();
      assert.deepEqual(
        timers.pending.map((t) => t.ms),
        [ms],
      );
    }
    assert.equal(logs.length, 1);
    timers.fire();
    upstream.answer({ ok: true });
    await tick();
    // Recovered: the rest go out, concurrently again; the retried ones first.
    assert.equal(f.counters().backendUp, true);
    assert.equal(logs.length, 2);
    assert.deepEqual(upstream.sent, ['a', 'b', 'a', 'a', 'a', 'a', 'b', 'c']);
    upstream.answer({ ok: true });
    upstream.answer({ ok: true });
    await tick();
    assert.equal(f.counters().spansForwarded, 3);
    assert.equal(f.counters().spansDropped.queue_full, 0);
  });

  it('does not retry a request the backend refuses, and counts it', async () => {
    const upstream = new ScriptedUpstream();
    const f = new TapForwarder({ upstream, log: () => {} });
    f.enqueue(Buffer.from('x'), 5);
    upstream.answer({ ok: false, retryable: false, error: 'invalid' });
    await tick();
    assert.equal(f.counters().spansDropped.rejected, 5);
    assert.equal(upstream.sent.length, 1);
    assert.equal(f.counters().backendUp, true);
  });

  it('close: stops taking requests, waits for in-flight ones within the budget, counts the rest as shutdown', async () => {
    const upstream = new ScriptedUpstream();
    const timers = manualTimers();
    const f = new TapForwarder({ upstream, log: () => {}, concurrency: 1, setTimer: timers.setTimer });
    f.enqueue(Buffer.from('a'), 1);
    f.enqueue(Buffer.from('b'), 2);
    const closing = f.close(1_000);
    assert.equal(f.enqueue(Buffer.from('c'), 4), false);
    upstream.answer({ ok: true });
    await tick();
    timers.fire(); // the budget runs out while 'b' is in flight
    await closing;
    assert.equal(upstream.closed, true);
    assert.equal(f.counters().spansForwarded, 1);
    assert.equal(f.counters().spansDropped.shutdown, 4);
  });
});
