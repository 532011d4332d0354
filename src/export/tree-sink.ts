import type { TraceRecord } from '../model/span-record.js';
import type { TextWriter } from './line-writer.js';
import { TextSink } from './text-sink.js';
import { TraceParts } from './trace-parts.js';
import type { ExportResult, SinkCounters, TraceSink } from './trace-sink.js';
import { renderTraceTree, type TreeRenderOptions } from './tree-renderer.js';

/** Options of {@link TreeSink}. */
export interface TreeSinkOptions extends TreeRenderOptions {
  readonly writer: TextWriter;
  /** Parts of traces held for their root at most (see {@link TraceParts}). */
  readonly maxHeldParts?: number;
}

/** True when colour suits `stream`: a terminal, and NO_COLOR unset (https://no-color.org). */
export function wantsColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

/**
 * Prints finished traces as indented waterfalls, a blank line between traces. Parts of a
 * trace sent before its root (a drain's evictions) are printed inside it, as one tree.
 */
export class TreeSink implements TraceSink {
  readonly #text: TextSink;
  readonly #parts: TraceParts;

  constructor(options: TreeSinkOptions) {
    this.#text = new TextSink('tree', options.writer, (traces) =>
      traces.map((t) => `${renderTraceTree(t, options)}\n`).join(''),
    );
    this.#parts = new TraceParts(options.maxHeldParts);
  }

  /** Counters for `/metrics`; held parts count once printed. */
  get counters(): SinkCounters {
    return this.#text.counters;
  }

  export(traces: readonly TraceRecord[]): Promise<ExportResult> {
    return this.#text.export(this.#parts.settle(traces));
  }

  forceFlush(): Promise<void> {
    return this.#text.forceFlush();
  }

  /** Prints what is still held as it is, then closes the writer. */
  async shutdown(): Promise<void> {
    const rest = this.#parts.release();
    if (rest.length > 0) await this.#text.export(rest);
    await this.#text.shutdown();
  }
}
