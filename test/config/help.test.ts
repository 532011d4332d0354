import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FLAGS } from '../../src/config/flags.js';
import { renderFlagTableMarkdown, renderHelp } from '../../src/config/help.js';

describe('help and the flag table', () => {
  it('lists every flag with its environment variable and default in --help', () => {
    const help = renderHelp('1.2.3');
    assert.match(help, /^kubetrail 1\.2\.3/);
    for (const f of FLAGS) {
      assert.ok(help.includes(`--${f.name}`), `--${f.name} missing from help`);
      assert.ok(help.includes(`env ${f.env},`), `${f.env} missing from help`);
    }
    assert.match(help, /env KUBETRAIL_METRICS_ADDR, default :9464/);
    assert.match(help, /env KUBETRAIL_RESOURCES, default events,pods,replicasets/);
  });

  it('names each environment variable after its flag, uniquely', () => {
    const envs = new Set(FLAGS.map((f) => f.env));
    assert.equal(envs.size, FLAGS.length);
    for (const f of FLAGS) assert.equal(f.env, `KUBETRAIL_${f.name.toUpperCase().replaceAll('-', '_')}`);
  });

  it('renders the README table with one row per flag', () => {
    const table = renderFlagTableMarkdown().trimEnd().split('\n');
    assert.equal(table.length, FLAGS.length + 2);
    assert.ok(
      table.includes(
        '| `--settle-ms MS` | `KUBETRAIL_SETTLE_MS` | `settleMs` | 5000 | Quiet time before a finished trace is emitted |',
      ),
    );
  });
});
