import type { TraceSink } from '../export/trace-sink.js';
import type { TraceRecord } from '../model/span-record.js';
import type { MetricsFeed } from '../ops/metrics-feed.js';

/**
 * Hands settled traces to the sink while this replica may export, in the order
 * they settled. Leadership is asked at each export, not remembered: it lapses
 * by the clock even while a Lease renewal hangs.
 */
export class LeaderGatedExport {
  readonly #sink: TraceSink;
  readonly #isLeader: () => boolean;
  readonly #feed: MetricsFeed;
  #exporting: Promise<unknown> = Promise.resolve();

  constructor(options: { sink: TraceSink; isLeader: () => boolean; feed: MetricsFeed }) {
    this.#sink = options.sink;
    this.#isLeader = options.isLeader;
    this.#feed = options.feed;
  }

  /** Exports `traces` if leading, else counts their spans as dropped. */
  emit(traces: readonly TraceRecord[]): void {
    if (traces.length === 0) return;
    this.#feed.settled(traces);
    const spans = traces.reduce((n, t) => n + t.spans.length, 0);
    if (!this.#isLeader()) {
      this.#feed.notLeader(spans);
      return;
    }
    this.#feed.exported(spans);
    // Chained so traces leave in the order they settled.
    this.#exporting = this.#exporting.then(() => this.#sink.export(traces));
  }

  /** Resolves once every export handed over so far has finished. */
  drained(): Promise<void> {
    return this.#exporting.then(() => undefined);
  }
}
