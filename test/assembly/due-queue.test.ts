import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DueQueue, type Schedulable } from '../../src/assembly/due-queue.js';

interface Item extends Schedulable {
  readonly name: string;
}

const item = (name: string): Item => ({ name, dueStamp: 0, dueAt: Number.POSITIVE_INFINITY });

function drain(queue: DueQueue<Item>, now: number): string[] {
  const out: string[] = [];
  for (let x = queue.popDue(now); x !== undefined; x = queue.popDue(now)) out.push(x.name);
  return out;
}

describe('DueQueue', () => {
  it('pops by time, then in the order items were scheduled', () => {
    const queue = new DueQueue<Item>();
    const [a, b, c, d] = [item('a'), item('b'), item('c'), item('d')];
    queue.schedule(c, 20);
    queue.schedule(a, 10);
    queue.schedule(b, 10);
    queue.schedule(d, 5);
    queue.schedule(d, 10);
    assert.deepEqual(drain(queue, 15), ['a', 'b', 'd']);
    assert.deepEqual(drain(queue, 25), ['c']);
  });

  it('does not keep items it was told to forget: stale entries are swept', () => {
    const queue = new DueQueue<Item>();
    const kept = item('kept');
    queue.schedule(kept, 1_000_000);
    // Each group first scheduled at its cut-off, then pulled forward, then let go of.
    for (let k = 0; k < 10_000; k++) {
      const x = item(`g${k}`);
      queue.schedule(x, 900_000 + k);
      queue.schedule(x, 5_000 + k);
      queue.cancel(x);
    }
    // Without the sweep, the 20,000 entries would hold every item until 900,000.
    assert.ok(queue.size <= 2 + 64, `${queue.size} entries held for 1 live item`);
    assert.deepEqual(drain(queue, 2_000_000), ['kept']);
  });

  it('sweeping leaves the order as it was', () => {
    const queue = new DueQueue<Item>();
    const live: Item[] = [];
    for (let k = 0; k < 500; k++) {
      const x = item(`x${k}`);
      // Many ties: the order among them is the order of scheduling.
      queue.schedule(x, 100 + (k % 7));
      live.push(x);
      const gone = item(`gone${k}`);
      queue.schedule(gone, 50);
      queue.cancel(gone);
    }
    const expected = [...live]
      .sort((p, q) => p.dueAt - q.dueAt || p.dueStamp - q.dueStamp)
      .map((x) => x.name);
    assert.deepEqual(drain(queue, 1_000), expected);
  });
});
