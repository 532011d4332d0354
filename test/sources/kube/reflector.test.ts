// Fault injection for the reflector: stalled streams, corrupt frames, 410s and
// errors that a real apiserver will not produce on demand. The happy path and
// real restarts are covered end to end against the real control plane.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Delta } from '../../../src/model/delta.js';
import type { JsonResponse, KubeTransport, LineStream } from '../../../src/sources/kube/kube-transport.js';
import { Reflector, type ReflectorEvent, type ReflectorTiming } from '../../../src/sources/kube/reflector.js';

function pod(name: string, uid: string, rv: string): Record<string, unknown> {
  return { metadata: { name, namespace: 'ns', uid, resourceVersion: rv } };
}

/** One scripted watch: lines to deliver, then how the stream ends. */
interface ScriptedWatch {
  status?: number;
  lines?: string[];
  /** 'end' closes normally, 'stall' never says anything more, 'error' breaks the socket. */
  ending: 'end' | 'stall' | 'error';
}

class ScriptedTransport implements KubeTransport {
  lists: { items: Record<string, unknown>[]; rv: string }[] = [];
  watches: ScriptedWatch[] = [];
  watchQueries: Record<string, string>[] = [];
  listCalls = 0;
  onIdle: () => void = () => {};

  async getJson(_path: string, _q: Readonly<Record<string, string>>): Promise<JsonResponse> {
    const list = this.lists[Math.min(this.listCalls++, this.lists.length - 1)];
    if (!list) return { status: 500, body: { message: 'no list scripted' } };
    return {
      status: 200,
      body: { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: list.rv }, items: list.items },
    };
  }

  async sendJson(): Promise<JsonResponse> {
    return { status: 405, body: {} };
  }

  async stream(_path: string, q: Readonly<Record<string, string>>, signal: AbortSignal): Promise<LineStream> {
    this.watchQueries.push({ ...q });
    const w = this.watches.shift();
    if (!w) {
      this.onIdle();
      return { status: 200, errorBody: '', forEachLine: () => waitForAbort(signal) };
    }
    if (w.status && w.status !== 200)
      return { status: w.status, errorBody: '{"message":"boom"}', forEachLine: async () => {} };
    return { status: 200, errorBody: '', forEachLine: (onLine) => scripted(w, signal, onLine) };
  }
}

async function waitForAbort(signal: AbortSignal): Promise<void> {
  if (!signal.aborted) {
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  throw new Error('aborted');
}

/** Delivers the script's lines as one chunk would, then ends the way the script says. */
async function scripted(w: ScriptedWatch, signal: AbortSignal, onLine: (line: string) => boolean) {
  await Promise.resolve();
  for (const line of w.lines ?? []) if (!onLine(line)) return;
  if (w.ending === 'error') throw new Error('socket hang up');
  if (w.ending === 'stall') await waitForAbort(signal);
}

/** Time that passes only when someone sleeps: backoff and the watchdog run instantly. */
function fakeTiming(): ReflectorTiming & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: { now: () => now },
    random: () => 0.5,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        sleeps.push(ms);
        now += ms;
        if (signal.aborted) return resolve();
        setImmediate(resolve);
      }),
  };
}

function frame(type: string, object: unknown): string {
  return JSON.stringify({ type, object });
}

/** Runs a reflector until the transport runs out of script, then stops it. */
async function runScript(t: ScriptedTransport, stallMs = 60_000) {
  const deltas: Delta[] = [];
  const events: ReflectorEvent[] = [];
  const timing = fakeTiming();
  const r = new Reflector({
    path: '/api/v1/pods',
    transport: t,
    timing,
    onDelta: (d) => deltas.push(d),
    onEvent: (e) => events.push(e),
    stallMs,
  });
  const idle = new Promise<void>((resolve) => {
    t.onIdle = resolve;
  });
  await r.start();
  await idle;
  await r.stop();
  return { deltas, events, timing, reflector: r };
}

describe('Reflector', () => {
  it('lists first (initial deltas), then watches from the list resourceVersion with bookmarks', async () => {
    const t = new ScriptedTransport();
    t.lists = [{ items: [pod('a', 'u1', '10'), pod('b', 'u2', '11')], rv: '12' }];
    t.watches = [
      {
        lines: [
          frame('ADDED', pod('c', 'u3', '13')),
          frame('BOOKMARK', { metadata: { resourceVersion: '20' } }),
        ],
        ending: 'end',
      },
    ];
    const { deltas } = await runScript(t);
    assert.deepEqual(
      deltas.map((d) => [
        d.type,
        (d.object as { metadata: { name: string } }).metadata.name,
        d.initial ?? false,
      ]),
      [
        ['ADDED', 'a', true],
        ['ADDED', 'b', true],
        ['ADDED', 'c', false],
      ],
    );
    assert.equal(
      deltas[0] && (deltas[0].object as { kind: string }).kind,
      'Pod',
      'list items get their kind back',
    );
    assert.equal(t.watchQueries[0]?.resourceVersion, '12');
    assert.equal(t.watchQueries[0]?.allowWatchBookmarks, 'true');
    // After the server ended the first watch, the next resumes from the bookmark.
    assert.equal(t.watchQueries[1]?.resourceVersion, '20');
  });

  it('counts a corrupt frame and keeps delivering the frames after it', async () => {
    const t = new ScriptedTransport();
    t.lists = [{ items: [], rv: '1' }];
    t.watches = [
      {
        lines: ['{"type":"ADDED","object":{trunc', frame('ADDED', pod('ok', 'u9', '2')), '{"no":"type"}'],
        ending: 'end',
      },
    ];
    const { deltas, events } = await runScript(t);
    assert.equal(deltas.length, 1);
    assert.equal(events.filter((e) => e.type === 'corrupt-frame').length, 2);
  });

  it('re-lists and diffs on 410 Gone: nothing duplicated, missed deletions synthesised', async () => {
    const t = new ScriptedTransport();
    t.lists = [
      { items: [pod('keep', 'u1', '5'), pod('change', 'u2', '6'), pod('gone', 'u3', '7')], rv: '8' },
      { items: [pod('keep', 'u1', '5'), pod('change', 'u2', '30'), pod('new', 'u4', '31')], rv: '32' },
    ];
    t.watches = [
      { lines: [frame('ERROR', { kind: 'Status', code: 410, message: 'too old' })], ending: 'end' },
    ];
    const { deltas, events } = await runScript(t);
    const after = deltas
      .slice(3)
      .map((d) => [d.type, (d.object as { metadata: { name: string } }).metadata.name, d.initial ?? false]);
    assert.deepEqual(after, [
      ['MODIFIED', 'change', false],
      ['ADDED', 'new', false],
      ['DELETED', 'gone', false],
    ]);
    assert.ok(events.some((e) => e.type === 'restart' && e.reason === 'gone'));
    assert.equal(t.watchQueries.at(-1)?.resourceVersion, '32');
  });

  it('restarts with jittered, growing backoff on errors and resumes from the last resourceVersion', async () => {
    const t = new ScriptedTransport();
    t.lists = [{ items: [], rv: '1' }];
    t.watches = [
      { lines: [frame('ADDED', pod('x', 'u1', '2'))], ending: 'error' },
      { status: 500, ending: 'end' },
      { status: 503, ending: 'end' },
    ];
    const { events, timing } = await runScript(t);
    const restarts = events.filter((e) => e.type === 'restart');
    assert.equal(restarts.length, 3);
    assert.ok(restarts.every((e) => e.type === 'restart' && e.reason === 'error'));
    // random() = 0.5 gives the nominal delay: 500, 1000, 2000 ms (among the watchdog's ticks).
    const backoffs = timing.sleeps.filter((ms) => ms === 500 || ms === 1000 || ms === 2000);
    assert.deepEqual(backoffs, [500, 1000, 2000]);
    assert.ok(t.watchQueries.slice(1).every((q) => q.resourceVersion === '2'));
    assert.equal(t.listCalls, 1, 'errors other than 410 do not re-list');
  });

  it('backs off from the start again after a watch that worked: outages do not add up', async () => {
    // Three apiserver restarts, each breaking a watch that had delivered events:
    // each retry waits the initial backoff, not 1, 2 and 4 s (which reach 30 s
    // after a few restarts, and left a live watch silent past a minute).
    const t = new ScriptedTransport();
    t.lists = [{ items: [], rv: '1' }];
    t.watches = [
      { lines: [frame('ADDED', pod('x', 'u1', '2'))], ending: 'error' },
      { lines: [frame('MODIFIED', pod('x', 'u1', '3'))], ending: 'error' },
      { lines: [frame('BOOKMARK', { metadata: { resourceVersion: '4' } })], ending: 'error' },
      { lines: [frame('MODIFIED', pod('x', 'u1', '5'))], ending: 'error' },
    ];
    const { timing } = await runScript(t);
    const backoffs = timing.sleeps.filter((ms) => ms >= 500 && ms <= 4000 && ms !== 5000);
    assert.deepEqual(backoffs, [500, 500, 500, 500]);
  });

  it('keeps growing the backoff while the server refuses, and after a watch answered but broken at once', async () => {
    const t = new ScriptedTransport();
    t.lists = [{ items: [], rv: '1' }];
    t.watches = [
      { lines: [frame('ADDED', pod('x', 'u1', '2'))], ending: 'error' },
      { status: 503, ending: 'end' },
      { lines: [], ending: 'error' },
      { status: 503, ending: 'end' },
    ];
    const { timing } = await runScript(t);
    const backoffs = timing.sleeps.filter((ms) => ms >= 500 && ms <= 8000 && ms !== 5000);
    assert.deepEqual(backoffs, [500, 1000, 2000, 4000]);
  });

  it('restarts a watch that went silent (the stall watchdog)', async () => {
    const t = new ScriptedTransport();
    t.lists = [{ items: [], rv: '1' }];
    t.watches = [{ lines: [frame('ADDED', pod('x', 'u1', '2'))], ending: 'stall' }];
    const { events, deltas } = await runScript(t, 20_000);
    assert.equal(deltas.length, 1);
    assert.ok(events.some((e) => e.type === 'restart' && e.reason === 'stall'));
    assert.equal(t.watchQueries.length, 2);
  });

  it('delivers each list page as it arrives, and a list retried after a failed page delivers nothing twice', async () => {
    const t = new ScriptedTransport();
    const pages = [
      { items: [pod('a', 'u1', '5')], rv: '9', next: 'p2' },
      { status: 410 },
      { items: [pod('a', 'u1', '5')], rv: '9', next: 'p2' },
      { items: [pod('b', 'u2', '6')], rv: '9', next: '' },
    ];
    const deltas: Delta[] = [];
    const deliveredBeforePage: number[] = [];
    t.getJson = async () => {
      deliveredBeforePage.push(deltas.length);
      const page = pages.shift();
      if (!page || 'status' in page) return { status: 410, body: { message: 'expired' } };
      return {
        status: 200,
        body: {
          kind: 'PodList',
          apiVersion: 'v1',
          metadata: { resourceVersion: page.rv, continue: page.next },
          items: page.items,
        },
      };
    };
    const idle = new Promise<void>((resolve) => {
      t.onIdle = resolve;
    });
    const r = new Reflector({
      path: '/api/v1/pods',
      transport: t,
      timing: fakeTiming(),
      onDelta: (d) => deltas.push(d),
    });
    await r.start();
    await idle;
    await r.stop();
    // Page one was delivered before page two was asked for.
    assert.deepEqual(deliveredBeforePage, [0, 1, 1, 1]);
    assert.deepEqual(
      deltas.map((d) => [d.type, (d.object as { metadata: { name: string } }).metadata.name, d.initial]),
      [
        ['ADDED', 'a', true],
        ['ADDED', 'b', true],
      ],
    );
    assert.equal(r.size, 2);
  });
});
