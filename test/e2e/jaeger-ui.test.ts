// The local stack's Jaeger serves its real UI, and the UI renders kubetrail's
// traces: a headless chromium loads the trace page of a replayed rollout and
// every span name of the trace is in the rendered DOM.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { chromiumMissing, dumpDom } from '../browser/chromium.js';
import { e2eSkipReason, ensureCluster, type LocalCluster, repoRoot } from '../cluster/cluster.js';
import { replayIntoJaeger } from '../cluster/replay-into-jaeger.js';
import { traceViewHeight, traceViewUrl } from '../screenshots/trace-view.js';

// CI installs chromium (.ci/run); elsewhere a missing chromium skips, saying how to get it.
const mustRun = process.env.KUBETRAIL_E2E === '1' || process.env.CI === 'true';
const skip = e2eSkipReason() ?? (mustRun ? undefined : chromiumMissing());

/** The text of every element whose class list has `className`, in document order. */
function textsOfClass(html: string, className: string): string[] {
  const out: string[] = [];
  const open = new RegExp(`<(\\w+)[^>]*\\bclass="(?:[^"]*\\s)?${className}(?:\\s[^"]*)?"[^>]*>`, 'g');
  for (const m of html.matchAll(open)) {
    const tag = m[1] ?? '';
    const end = html.indexOf(`</${tag}>`, (m.index ?? 0) + m[0].length);
    if (end < 0) continue;
    const inner = html.slice((m.index ?? 0) + m[0].length, end);
    out.push(
      inner
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );
  }
  return out;
}

describe("Jaeger's UI in the local stack", { skip, timeout: 5 * 60_000 }, () => {
  let cluster: LocalCluster;

  before(async () => {
    cluster = await ensureCluster();
  });

  it('serves the jaeger-ui build, not the placeholder page', async () => {
    const page = await (await fetch(cluster.jaegerUrl)).text();
    assert.match(page, /<div id="jaeger-ui-root"><\/div>/);
    assert.doesNotMatch(page, /not the Jaeger UI you are looking for/);
  });

  it("renders a kubetrail trace's span names on its trace page", async () => {
    const traces = await replayIntoJaeger(join(repoRoot, 'examples/rollout.jsonl'), cluster.jaegerUrl);
    const trace = traces.find((t) => t.root.name === 'Deployment.Update');
    assert.ok(trace, 'examples/rollout.jsonl has a Deployment.Update trace');
    const shown = { traceId: trace.traceId, spanCount: trace.spans.length };
    const html = await dumpDom(traceViewUrl(cluster.jaegerUrl, shown), { height: traceViewHeight(shown) });
    // A row reads "<service> <operation>", e.g. "kubectl-set Deployment.Update".
    const rows = textsOfClass(html, 'span-name').sort();
    const want = trace.spans.map((s) => `${s.service} ${s.name}`).sort();
    assert.deepEqual(rows, want);
  });
});
