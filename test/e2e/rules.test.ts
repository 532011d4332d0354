// --rules in live mode, on the real control plane: an operator's Event joins the
// tree by the user's rule (the object it acted on is read from its note), and a
// bad rules file stops kubetrail at startup with exit code 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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
  spansFromJsonLines,
} from '../cluster/cluster.js';
import { jsonTracesTo, type KubetrailProcess, startKubetrail } from './kubetrail-process.js';
import { createNamespace, deployment } from './workloads.js';

const skip = e2eSkipReason();

const RULE = {
  controller: 'e2e-operator',
  reason: 'Poked',
  involvedKind: 'Deployment',
  actedOnKind: 'ConfigMap',
  note: 'poked configmap (?<name>[a-z0-9-]+)',
  verb: 'observe',
};

describe('--rules in live mode', { skip, timeout: 10 * 60_000 }, () => {
  let cluster: LocalCluster;
  let dir: string;
  const ns = `rules-${Date.now().toString(36)}`;
  const running: KubetrailProcess[] = [];

  before(async () => {
    cluster = await ensureCluster();
    dir = await mkdtemp(join(tmpdir(), 'kubetrail-rules-'));
    await createNamespace(cluster, ns);
  });
  after(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  });

  it("applies the user's rule to an operator's Event", async () => {
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify([RULE]));
    const out = join(dir, 'spans.jsonl');
    const kt = await startKubetrail(cluster, ['--namespace', ns, ...jsonTracesTo(out), '--rules', rules]);
    running.push(kt);
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], deployment('poked', 1));
    const uid = await cluster.kubectl([
      'get',
      'deployment',
      'poked',
      '-n',
      ns,
      '-o',
      'jsonpath={.metadata.uid}',
    ]);
    await cluster.kubectl(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: 'poked.e2e', namespace: ns },
        eventTime: new Date().toISOString().replace('Z', '000Z'),
        reportingController: 'e2e-operator',
        reportingInstance: 'e2e-operator-0',
        action: 'Poke',
        reason: 'Poked',
        type: 'Normal',
        note: 'poked configmap settings-7',
        regarding: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'poked', namespace: ns, uid },
      }),
    );
    const span = await eventually('the Poked span', 120_000, async () =>
      spansFromJsonLines(readFileSync(out, 'utf8')).find((s) => s.name === 'Deployment.Poked'),
    );
    assert.equal(span.attributes['k8s.event.acted_on.kind'], 'ConfigMap');
    assert.equal(span.attributes['k8s.event.acted_on.name'], 'settings-7');
    assert.equal(await kt.stop(), 0);
  });

  it('exits 2 at startup on a bad rules file, naming the rule from 1', () => {
    const rules = join(dir, 'bad.json');
    writeFileSync(rules, JSON.stringify([RULE, { ...RULE, verb: 'poke' }]));
    const res = spawnSync(
      process.execPath,
      [join(repoRoot, 'dist/src/cli/main.js'), '--kubeconfig', cluster.kubeconfig, '--rules', rules],
      { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...cluster.env } },
    );
    assert.equal(res.status, 2, res.stderr);
    assert.match(res.stderr, /rules file .*bad\.json: rule 2: verb must be one of/);
  });
});
