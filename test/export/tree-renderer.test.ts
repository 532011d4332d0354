import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, renderTraceTree } from '../../src/export/tree-renderer.js';
import { smallTrace } from './fixtures.js';

describe('renderTraceTree', () => {
  it('renders a small trace as an exact waterfall', () => {
    const expected = [
      'Deployment.Update  default/px  2.500s  4 spans  [converged, ERROR]  trace 4bf92f3577b34da6a3ce929d0e0e4736',
      '     +0ms  2.500s  ████████████████████████  kubectl-client-side-apply  Deployment.Update  px',
      '   +100ms     0ms  █·······················  deployment-controller      ' +
        '  Deployment.ScalingReplicaSet  Scaled up replica set px-5d567cc74c to 1',
      '   +251ms  1.750s  ··██████████████████····  replicaset-controller      ' +
        '    Pod.Lifecycle  px-5d567cc74c-ss4lb',
      '  +1.000s   500ms  ·········██████·········  kubelet                    ' +
        '      Pod.Failed  Failed to pull image "nginx:nope" ✗ ERROR: ErrImagePull',
      '',
    ].join('\n');
    assert.equal(renderTraceTree(smallTrace()), expected);
  });

  it('does not depend on the order of spans', () => {
    const t = smallTrace();
    const [root, a, b, c] = t.spans;
    assert.ok(root && a && b && c);
    const shuffled = { ...t, spans: [root, c, b, a] };
    assert.equal(renderTraceTree(shuffled), renderTraceTree(t));
  });

  it('colours only when asked', () => {
    const esc = String.fromCharCode(27);
    assert.equal(renderTraceTree(smallTrace()).includes(esc), false);
    assert.ok(renderTraceTree(smallTrace(), { color: true }).includes(`${esc}[31m✗ ERROR`));
  });

  it('formats durations for people', () => {
    assert.equal(formatDuration(850), '850ms');
    assert.equal(formatDuration(2350), '2.350s');
    assert.equal(formatDuration(245_000), '4m05s');
    assert.equal(formatDuration(2 * 3600_000 + 60_000), '2h01m');
  });
});
