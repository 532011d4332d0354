/**
 * What the screenshot script shows: a shot puts one trace into Jaeger and
 * says which trace to open in Jaeger's UI.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { repoRoot } from '../cluster/cluster.js';
import { replayIntoJaeger } from '../cluster/replay-into-jaeger.js';

/** The trace a shot shows. */
export interface ShownTrace {
  readonly traceId: string;
  /** Spans in the trace: the screenshot is tall enough for all of them. */
  readonly spanCount: number;
  /**
   * Finds these span ids in the view (Jaeger UI's `uiFind`): on load the UI
   * opens their details (with their links) and collapses every span that is
   * not on their path.
   */
  readonly highlight?: readonly string[];
  /** [span id, parent span id] of every span, to size the window when `highlight` collapses the rest. */
  readonly parents?: readonly (readonly [string, string])[];
  /** Run in the page before the picture, e.g. to open the found span's References. */
  readonly script?: { readonly ready: string; readonly run: string; readonly extraHeightPx: number };
}

/** One screenshot: docs/images/<name>.png of the trace that `trace` puts into Jaeger. */
export interface Shot {
  /** File name without extension, kebab-case. */
  readonly name: string;
  /** One line: what the picture shows (the README's alt text). */
  readonly title: string;
  /** Why the shot cannot run yet, e.g. a recording not yet made; undefined when it can. */
  readonly unavailable?: () => string | undefined;
  /** Puts the trace into Jaeger at `jaegerUrl` (once: ids are deterministic) and names it. */
  readonly trace: (jaegerUrl: string) => Promise<ShownTrace>;
}

/** Where a recording picks its trace: the `nth` trace (from 0; negative counts from the last) whose root is `root`. */
export interface RecordingPick {
  readonly root: string;
  readonly nth?: number;
}

/** A shot that replays `recording` (relative to the repo root, or absolute) into Jaeger and shows the picked trace. */
export function fromRecording(name: string, title: string, recording: string, pick: RecordingPick): Shot {
  const file = isAbsolute(recording) ? recording : join(repoRoot, recording);
  return {
    name,
    title,
    unavailable: () => (existsSync(file) ? undefined : `recording ${recording} does not exist yet`),
    async trace(jaegerUrl) {
      const traces = (await replayIntoJaeger(file, jaegerUrl)).filter((t) => t.root.name === pick.root);
      const nth = pick.nth ?? 0;
      const chosen = traces[nth < 0 ? traces.length + nth : nth];
      if (chosen === undefined) {
        throw new Error(
          `${recording} has ${traces.length} trace(s) with root ${pick.root}; none at index ${nth}`,
        );
      }
      return { traceId: chosen.traceId, spanCount: chosen.spans.length };
    },
  };
}
