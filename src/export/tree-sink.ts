import type { TextWriter } from './line-writer.js';
import { TextSink } from './text-sink.js';
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
export class TreeSink extends TextSink {
  constructor(options: TreeSinkOptions) {
    super('tree', options.writer, (traces) => traces.map((t) => `${renderTraceTree(t, options)}\n`).join(''));
  }
}
