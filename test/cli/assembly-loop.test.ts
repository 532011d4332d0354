import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssemblyLoop, type IntervalTimer } from '../../src/cli/assembly-loop.js';

function manualTimer() {
  const fns = new Map<number, () => void>();
  let next = 0;
  const timer: IntervalTimer = {
    setInterval: (fn) => {
      fns.set(++next, fn);
      return next;
    },
    clearInterval: (h) => fns.delete(h as number),
  };
  return {
    timer,
    fire: () => {
      for (const f of fns.values()) f();
    },
    active: () => fns.size,
  };
}

describe('AssemblyLoop', () => {
  it('ticks on its timer and is healthy while it turns; stalled after ten missed periods', () => {
    let now = 0;
    const t = manualTimer();
    let ticks = 0;
    const loop = new AssemblyLoop({
      clock: { now: () => now },
      periodMs: 1_000,
      tick: () => ticks++,
      onError: () => {},
      timer: t.timer,
    });
    loop.start();
    now = 1_000;
    t.fire();
    assert.equal(ticks, 1);
    now = 11_000;
    assert.equal(loop.health(), undefined);
    now = 11_001;
    assert.equal(loop.health(), 'assembly loop stalled');
    t.fire();
    assert.equal(loop.health(), undefined);
    loop.stop();
    assert.equal(t.active(), 0);
  });

  it('reports a failing tick and keeps turning', () => {
    const errors: unknown[] = [];
    const t = manualTimer();
    let now = 0;
    const loop = new AssemblyLoop({
      clock: { now: () => now },
      periodMs: 1_000,
      tick: () => {
        throw new Error('boom');
      },
      onError: (e) => errors.push(e),
      timer: t.timer,
    });
    loop.start();
    now = 20_000;
    t.fire();
    assert.equal((errors[0] as Error).message, 'boom');
    assert.equal(loop.health(), undefined, 'a failing tick still counts as a turn');
    loop.stop();
  });
});
