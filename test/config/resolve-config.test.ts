import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { resolveConfig } from '../../src/config/resolve-config.js';

function problemsOf(f: () => unknown): readonly string[] {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.code, 'ERR_CONFIG');
    return e.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('resolveConfig', () => {
  it('gives the defaults with nothing set: live, otlp', () => {
    const inv = resolveConfig({ argv: [], env: {} });
    assert.equal(inv.command, 'live');
    assert.equal(inv.config.exporter, 'otlp');
    assert.equal(inv.config.metricsAddr, ':9464');
    assert.equal(inv.config.samplingRatePerMillion, 1_000_000);
    assert.equal(inv.config.keepErrors, true);
    assert.deepEqual(inv.config.resources, DEFAULT_CONFIG.resources);
    assert.equal(inv.config.endpoint, undefined);
  });

  it('--backfill: off by default; the flag, KUBETRAIL_BACKFILL and the config file turn it on', () => {
    assert.equal(resolveConfig({ argv: [], env: {} }).config.backfill, false);
    assert.equal(resolveConfig({ argv: ['replay', 'r.jsonl', '--backfill'], env: {} }).config.backfill, true);
    assert.equal(resolveConfig({ argv: [], env: { KUBETRAIL_BACKFILL: 'true' } }).config.backfill, true);
    const file = { path: 'k.yaml', text: 'backfill: true\n' };
    assert.equal(resolveConfig({ argv: [], env: {}, file }).config.backfill, true);
    assert.equal(resolveConfig({ argv: ['--no-backfill'], env: {}, file }).config.backfill, false);
    assert.deepEqual(
      problemsOf(() => resolveConfig({ argv: [], env: { KUBETRAIL_BACKFILL: 'sometimes' } })).length,
      1,
    );
  });

  it('defaults replay to the tree exporter and takes its FILE', () => {
    const inv = resolveConfig({ argv: ['replay', 'rec.jsonl'], env: {} });
    assert.equal(inv.command, 'replay');
    assert.equal(inv.replayFile, 'rec.jsonl');
    assert.equal(inv.config.exporter, 'tree');
    assert.equal(resolveConfig({ argv: ['replay'], env: {} }).replayFile, undefined);
  });

  it('orders layers: flag over environment over file over default', () => {
    const file = {
      path: 'k.yaml',
      text: 'settleMs: 100\nmaxTraceMs: 50000\nslowTraceMs: 7\nlogLevel: warn\n',
    };
    const env = { KUBETRAIL_SETTLE_MS: '200', KUBETRAIL_SLOW_TRACE_MS: '8' };
    const inv = resolveConfig({ argv: ['--settle-ms', '300'], env, file });
    assert.equal(inv.config.settleMs, 300);
    assert.equal(inv.config.slowTraceMs, 8);
    assert.equal(inv.config.maxTraceMs, 50_000);
    assert.equal(inv.config.logLevel, 'warn');
    assert.equal(inv.config.maxObjects, DEFAULT_CONFIG.maxObjects);
  });

  it('reads repeatable, list, map and group/version/resource flags', () => {
    const inv = resolveConfig({
      argv: [
        '--namespace=a,b',
        '--namespace',
        'c',
        '--header',
        'x-token=abc',
        '--header=tenant=t1',
        '--watch',
        'example.com/v1/widgets',
        '--watch=v1/configmaps',
        '--no-keep-errors',
        '--leader-elect',
      ],
      env: { KUBETRAIL_EXCLUDE_NAMESPACE: 'kube-system, kube-public' },
    });
    assert.deepEqual(inv.config.namespaces, ['a', 'b', 'c']);
    assert.deepEqual(inv.config.excludeNamespaces, ['kube-system', 'kube-public']);
    assert.deepEqual(inv.config.headers, { 'x-token': 'abc', tenant: 't1' });
    assert.deepEqual(inv.config.watch, [
      { group: 'example.com', version: 'v1', resource: 'widgets' },
      { group: '', version: 'v1', resource: 'configmaps' },
    ]);
    assert.equal(inv.config.keepErrors, false);
    assert.equal(inv.config.leaderElect, true);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(() =>
      resolveConfig({
        argv: ['bogus', '--settle-ms', 'soon', '--exporter', 'zipkin', '--frobnicate', '--tls-cert', 'c.pem'],
        env: { KUBETRAIL_SAMPLING_RATE_PER_MILLION: '2000000', KUBETRAIL_KEEP_ERRORS: 'maybe' },
        file: { path: 'k.yaml', text: 'resources: [pods, widgets]\nunknownThing: 1\n' },
      }),
    );
    assert.deepEqual(
      [...problems].sort(),
      [
        '--exporter: "zipkin" is not one of otlp, json, tree',
        '--resources: unknown widgets (built-in: events, pods, replicasets, deployments, statefulsets, daemonsets, jobs, cronjobs, nodes; use --watch group/version/resource for others)',
        '--settle-ms: "soon" is not an integer',
        '--tls-cert and --tls-key go together',
        'KUBETRAIL_KEEP_ERRORS: "maybe" is not true or false',
        'KUBETRAIL_SAMPLING_RATE_PER_MILLION: 2000000 is above the maximum 1000000',
        'k.yaml: unknown setting "unknownThing"',
        'unknown command "bogus" (commands: replay, live)',
        'unknown flag --frobnicate',
      ].sort(),
    );
  });

  it('maps a Kubernetes TracingConfiguration', () => {
    const text = [
      'apiVersion: apiserver.config.k8s.io/v1beta1',
      'kind: TracingConfiguration',
      'endpoint: otel-collector.observability:4317',
      'samplingRatePerMillion: 100',
    ].join('\n');
    const inv = resolveConfig({ argv: [], env: {}, file: { path: 'tracing.yaml', text } });
    assert.equal(inv.config.endpoint, 'otel-collector.observability:4317');
    assert.equal(inv.config.samplingRatePerMillion, 100);
    assert.equal(inv.config.insecure, true);
  });

  it('rejects a TracingConfiguration of an unknown version or with foreign fields', () => {
    const text = 'apiVersion: apiserver.config.k8s.io/v2\nkind: TracingConfiguration\nexporter: json\n';
    const problems = problemsOf(() => resolveConfig({ argv: [], env: {}, file: { path: 't.yaml', text } }));
    assert.equal(problems.length, 2);
    assert.match(problems[0] ?? '', /apiVersion "apiserver.config.k8s.io\/v2" is not one of/);
    assert.match(problems[1] ?? '', /TracingConfiguration has no field "exporter"/);
  });

  it('reads JSON config files and reports bad YAML', () => {
    const inv = resolveConfig({
      argv: [],
      env: {},
      file: { path: 'c.json', text: '{"exporter":"json","output":"o.jsonl"}' },
    });
    assert.equal(inv.config.exporter, 'json');
    assert.equal(inv.config.output, 'o.jsonl');
    const problems = problemsOf(() =>
      resolveConfig({ argv: [], env: {}, file: { path: 'c.yaml', text: 'a: [' } }),
    );
    assert.match(problems[0] ?? '', /^c\.yaml: not valid YAML or JSON/);
  });

  it('takes OTEL_RESOURCE_ATTRIBUTES and --cluster-name as resource attributes; warns on bad pairs', () => {
    const inv = resolveConfig({
      argv: ['--cluster-name', 'prod'],
      env: { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod%20eu,broken' },
    });
    assert.deepEqual(inv.config.resourceAttributes, {
      'deployment.environment': 'prod eu',
      'k8s.cluster.name': 'prod',
    });
    assert.deepEqual(inv.warnings, ['OTEL_RESOURCE_ATTRIBUTES: ignored malformed pair "broken"']);
  });

  it('rejects --output with the otlp exporter and a bad metrics address', () => {
    const problems = problemsOf(() =>
      resolveConfig({ argv: ['--exporter=otlp', '--output', 'x', '--metrics-addr', 'localhost'], env: {} }),
    );
    assert.equal(problems.length, 2);
  });

  it('answers --help and --version without validating', () => {
    assert.equal(resolveConfig({ argv: ['--help', '--settle-ms', 'x'], env: {} }).command, 'help');
    assert.equal(resolveConfig({ argv: ['-v'], env: {} }).command, 'version');
  });
});

describe('loadConfig', () => {
  it('reads the file named by --config or KUBETRAIL_CONFIG', () => {
    const read = (p: string): string => {
      assert.equal(p, '/etc/kubetrail/config.yaml');
      return 'exporter: json\n';
    };
    assert.equal(loadConfig(['--config', '/etc/kubetrail/config.yaml'], {}, read).config.exporter, 'json');
    assert.equal(
      loadConfig([], { KUBETRAIL_CONFIG: '/etc/kubetrail/config.yaml' }, read).config.exporter,
      'json',
    );
  });

  it('reports an unreadable file together with the other problems', () => {
    const read = (): string => {
      throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    };
    const problems = problemsOf(() => loadConfig(['--config', 'missing.yaml', '--settle-ms', 'x'], {}, read));
    assert.deepEqual(problems, [
      'cannot read config file missing.yaml: ENOENT',
      '--settle-ms: "x" is not an integer',
    ]);
  });
});
