// The read coalescer: its window logic on a manual timer and fake handles, then
// real watch sockets on 127.0.0.1, where it must cut the reads per line and lose
// no line of any watch.
import assert from 'node:assert/strict';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { readLines } from '../../../src/sources/kube/kube-transport.js';
import { type CoalescerTimer, ReadCoalescer } from '../../../src/sources/kube/read-coalescer.js';

/** A socket stand-in with the native handle's read switches. */
class FakeSocket {
  destroyed = false;
  readonly _handle = {
    reading: true,
    stops: 0,
    starts: 0,
    readStop: (): number => {
      this._handle.stops++;
      return 0;
    },
    readStart: (): number => {
      this._handle.starts++;
      return 0;
    },
  };
}

class ManualTimer implements CoalescerTimer {
  at = 0;
  timers: { due: number; fn: () => void }[] = [];
  deferred: (() => void)[] = [];
  now(): number {
    return this.at;
  }
  setTimeout(fn: () => void, ms: number): void {
    this.timers.push({ due: this.at + ms, fn });
  }
  afterIo(fn: () => void): void {
    this.deferred.push(fn);
  }
  /** Ends the current round of I/O callbacks. */
  endRound(): void {
    for (const fn of this.deferred.splice(0)) fn();
  }
  advance(ms: number): void {
    this.at += ms;
    for (const t of this.timers.filter((x) => x.due <= this.at)) {
      this.timers.splice(this.timers.indexOf(t), 1);
      t.fn();
    }
  }
}

describe('ReadCoalescer', () => {
  it('reads a quiet watch at once, and holds every watch once chunks keep coming', () => {
    const timer = new ManualTimer();
    const c = new ReadCoalescer(50, timer);
    const a = new FakeSocket();
    const b = new FakeSocket();
    c.add(a);
    c.add(b);
    c.chunk();
    timer.endRound();
    assert.equal(c.holding, false, 'the first chunk after a quiet spell does not wait');
    timer.advance(500);
    c.chunk();
    timer.endRound();
    assert.equal(c.holding, false, 'nor does one 500 ms later');
    timer.advance(30);
    c.chunk();
    assert.equal(a._handle.stops, 0, 'not within the round of I/O that delivered it');
    timer.endRound();
    assert.equal(c.holding, true);
    assert.deepEqual([a._handle.stops, b._handle.stops], [1, 1]);
    timer.advance(49);
    assert.deepEqual([a._handle.starts, b._handle.starts], [0, 0]);
    timer.advance(1);
    assert.equal(c.holding, false);
    assert.deepEqual([a._handle.starts, b._handle.starts], [1, 1]);
    // The window's own read is busy too: the next window opens after it.
    c.chunk();
    timer.endRound();
    assert.equal(c.holding, true);
    assert.equal(a._handle.stops, 2);
  });

  it('leaves alone a socket closed, paused by Node, or removed during a window', () => {
    const timer = new ManualTimer();
    const c = new ReadCoalescer(20, timer);
    const closed = new FakeSocket();
    const paused = new FakeSocket();
    const removed = new FakeSocket();
    const notReading = new FakeSocket();
    notReading._handle.reading = false;
    for (const s of [closed, paused, removed, notReading]) c.add(s);
    c.chunk();
    timer.advance(5);
    c.chunk();
    timer.endRound();
    assert.equal(notReading._handle.stops, 0, 'a socket Node is not reading is not stopped');
    closed.destroyed = true;
    paused._handle.reading = false;
    c.remove(removed);
    assert.equal(removed._handle.starts, 1, 'a removed socket reads again at once');
    timer.advance(20);
    assert.equal(closed._handle.starts, 0);
    assert.equal(paused._handle.starts, 0);
    assert.equal(removed._handle.starts, 1);
  });

  it('stops a watch added during a window with the others', () => {
    const timer = new ManualTimer();
    const c = new ReadCoalescer(20, timer);
    c.add(new FakeSocket());
    c.chunk();
    c.chunk();
    timer.endRound();
    const late = new FakeSocket();
    c.add(late);
    assert.equal(late._handle.stops, 1);
    timer.advance(20);
    assert.equal(late._handle.starts, 1);
  });

  it('never holds with a window of 0', () => {
    const timer = new ManualTimer();
    const c = new ReadCoalescer(0, timer);
    const s = new FakeSocket();
    c.add(s);
    for (let i = 0; i < 5; i++) c.chunk();
    timer.endRound();
    assert.equal(c.holding, false);
    assert.equal(s._handle.stops, 0);
  });

  it('refuses a negative or non-finite window', () => {
    assert.throws(() => new ReadCoalescer(-1), TypeError);
    assert.throws(() => new ReadCoalescer(Number.NaN), TypeError);
  });

  it('reads busy watches in fewer reads, every line of each in order', async () => {
    const LINES = 150;
    const line = (w: number, i: number): string => `{"watch":${w},"i":${i},"pad":"${'x'.repeat(1000)}"}\n`;
    const responses = new Set<ServerResponse>();
    const server = createServer((req, res) => {
      responses.add(res);
      const w = Number(req.url?.slice(1));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      let i = 0;
      const t = setInterval(() => {
        res.write(line(w, i++));
        if (i === LINES) {
          clearInterval(t);
          res.end();
        }
      }, 2);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const watch = (c: ReadCoalescer, w: number) =>
      new Promise<{ lines: string[]; reads: number }>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: `/${w}`, agent: false }, (res) => {
          const socket = res.socket as Socket;
          let reads = 0;
          socket.on('data', () => reads++);
          const lines: string[] = [];
          readLines(res, (l) => lines.push(l) > 0, { coalescer: c, socket })
            .then(() => resolve({ lines, reads }))
            .catch(reject);
        })
          .on('error', reject)
          .end();
      });
    try {
      const held = new ReadCoalescer(20);
      const got = await Promise.all([watch(held, 0), watch(held, 1), watch(held, 2)]);
      got.forEach(({ lines }, w) => {
        assert.deepEqual(
          lines,
          Array.from({ length: LINES }, (_, i) => line(w, i).slice(0, -1)),
        );
      });
      const reads = got.reduce((n, g) => n + g.reads, 0);
      // Without the coalescer, a line every 2 ms is about one read each (450 here).
      assert.ok(reads <= LINES, `${reads} reads for ${3 * LINES} lines: at least 3 lines a read`);
    } finally {
      for (const res of responses) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
