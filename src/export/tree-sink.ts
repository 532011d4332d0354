import type { TraceRecord } from '../model/span-record.js';
import { ExportError } from './export-error.js';
import type { TextWriter } from './line-writer.js';
import {
  EXPORT_SUCCESS,
  type ExportResult,
  exportFailed,
  newSinkCounters,
  type SinkCounters,
  type TraceSink,
} from './trace-sink.js';
import { renderTraceTree, type TreeRenderOptions } from './tree-renderer.js';

/** Options of {@link TreeSink}. */
export interface TreeSinkOptions extends TreeRenderOptions {
  readonly writer: TextWriter;
}

/** True when colour suits `stream`: a terminal, and NO_COLOR unset (https://no-color.org). */
export function wantsColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

/** Prints finished traces as indented waterfalls, a blank line between traces. */
export class TreeSink implements TraceSink {
  readonly #writer: TextWriter;
  readonly #render: TreeRenderOptions;
  #closed = false;
  /** Counters for `/metrics`. */
  readonly counters: SinkCounters = newSinkCounters();

  constructor(options: TreeSinkOptions) {
    this.#writer = options.writer;
    this.#render = options;
  }

  async export(traces: readonly TraceRecord[]): Promise<ExportResult> {
    let spans = 0;
    for (const t of traces) spans += t.spans.length;
    if (this.#closed) {
      this.counters.spansDropped += spans;
      return exportFailed(new ExportError('ERR_EXPORT_SHUTDOWN', 'tree sink is shut down'));
    }
    if (traces.length === 0) return EXPORT_SUCCESS;
    try {
      await this.#writer.write(traces.map((t) => `${renderTraceTree(t, this.#render)}\n`).join(''));
      this.counters.spansExported += spans;
      return EXPORT_SUCCESS;
    } catch (e) {
      this.counters.spansDropped += spans;
      this.counters.exportErrors += 1;
      return exportFailed(e instanceof Error ? e : new ExportError('ERR_EXPORT_WRITE', String(e)));
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writer.close();
  }
}
