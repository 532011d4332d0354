// --record writes what a live run saw; replaying the file must give the same
// trace trees (same ids, parents, names, services) as the live run exported.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  e2eSkipReason,
  ensureCluster,
  eventually,
  type LocalCluster,
  repoRoot,
  run,
  spansFromJsonLines,
} from '../cluster/cluster.js';
import { jsonTracesTo, startKubetrail } from './kubetrail-process.js';
import { createNamespace, deployment } from './workloads.js';

const skip = e2eSkipReason();

describe('--record, then replay', { skip, timeout: 10 * 60_000 }, () => {
  let cluster: LocalCluster;
  let dir: string;
  const ns = `record-${Date.now().toString(36)}`;

  before(async () => {
    cluster = await ensureCluster();
    dir = await mkdtemp(join(tmpdir(), 'kubetrail-record-'));
    await createNamespace(cluster, ns);
  });
  after(async () => {
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  });

  it('reproduces the live trace trees from the recording', async () => {
    const live = join(dir, 'live.jsonl');
    const recording = join(dir, 'recording.jsonl');
    const kt = await startKubetrail(cluster, [
      '--namespace',
      ns,
      '--exporter',
      'json',
      '--output',
      live,
      '--record',
      recording,
      '--settle-ms',
      '2000',
    ]);
    const web = (image: string) => deployment('web', 3, image);
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], web('kubetrail.invalid/web:1'));
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s']);
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], web('kubetrail.invalid/web:2'));
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s']);
    await eventually('both traces exported live', 60_000, async () => {
      const names = spansFromJsonLines(readFileSync(live, 'utf8')).map((s) => s.name);
      return names.includes('Deployment.Create') && names.includes('Deployment.Update') ? true : undefined;
    });
    assert.equal(await kt.stop(), 0);

    const replayed = join(dir, 'replayed.jsonl');
    await run(
      process.execPath,
      [join(repoRoot, 'dist/src/cli/main.js'), 'replay', recording, ...jsonTracesTo(replayed)],
      process.env,
    );
    const shape = (file: string) =>
      spansFromJsonLines(readFileSync(file, 'utf8'))
        .map((s) => `${s.traceId} ${s.spanId} <- ${s.parentSpanId} ${s.name} [${s.service}]`)
        .sort();
    const a = shape(live);
    const b = shape(replayed);
    assert.ok(a.length >= 20, `a real rollout (${a.length} spans)`);
    assert.deepEqual(b, a);
  });
});
