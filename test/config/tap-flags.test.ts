import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConfigError } from '../../src/config/config-error.js';
import { resolveConfig } from '../../src/config/resolve-config.js';

it('tap mode is off by default and inline (forwarding) once switched on', () => {
  const off = resolveConfig({ argv: [], env: {} }).config;
  assert.equal(off.tapListen, undefined);
  const on = resolveConfig({ argv: ['--tap-listen', '127.0.0.1:4317'], env: {} }).config;
  assert.equal(on.tapListen, '127.0.0.1:4317');
  assert.equal(on.tapForward, true);
});

it('tap mode from the flag, the environment and the config file; --no-tap-forward is fan-out', () => {
  assert.equal(
    resolveConfig({ argv: ['--no-tap-forward'], env: { KUBETRAIL_TAP_LISTEN: '0.0.0.0:4319' } }).config
      .tapListen,
    '0.0.0.0:4319',
  );
  const file = { path: 'k.yaml', text: 'tapListen: "[::1]:4319"\ntapForward: false\n' };
  const c = resolveConfig({ argv: [], env: {}, file }).config;
  assert.equal(c.tapListen, '[::1]:4319');
  assert.equal(c.tapForward, false);
});

it('refuses a tap address that is not HOST:PORT, and inline forwarding without the otlp exporter', () => {
  try {
    resolveConfig({ argv: ['--tap-listen', ':4317', '--exporter', 'json'], env: {} });
    assert.fail('expected a ConfigError');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.problems, [
      'tap listen address ":4317" is not HOST:PORT',
      '--tap-listen forwards to the OTLP endpoint: use --exporter=otlp, or --no-tap-forward',
    ]);
  }
});

it('--tap-peer-address: a reachable HOST:PORT, with the tap and leader election on', () => {
  const c = resolveConfig({
    argv: ['--tap-listen', '0.0.0.0:4317', '--leader-elect'],
    env: { KUBETRAIL_TAP_PEER_ADDRESS: '10.244.1.7:4317' },
  }).config;
  assert.equal(c.tapPeerAddress, '10.244.1.7:4317');
  assert.equal(resolveConfig({ argv: [], env: {} }).config.tapPeerAddress, undefined);
  for (const [argv, problems] of [
    [
      ['--tap-listen', '0.0.0.0:4317', '--leader-elect', '--tap-peer-address', '0.0.0.0:4317'],
      ['tap peer address "0.0.0.0:4317" is not a reachable HOST:PORT'],
    ],
    [['--tap-peer-address', '10.0.0.1:4317'], ['--tap-peer-address needs --tap-listen and --leader-elect']],
  ] as const) {
    try {
      resolveConfig({ argv: [...argv], env: {} });
      assert.fail('expected a ConfigError');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(e.problems, problems);
    }
  }
});
