// The light kubeconfig loader against client-node's own KubeConfig: the same
// files must give the same request options (TLS, credentials, agent), and what
// the light loader does not implement must load the whole client.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import {
  type KubeAccess,
  KubeConfigError,
  loadDefaultKubeConfig,
  loadKubeConfig,
  StaticKubeConfig,
} from '../../../src/sources/kube/kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetrail-kubeconfig-'));
let n = 0;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A kubeconfig file with one cluster, one user and one context `x`. */
function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>, extra = {}): string {
  return write(
    `config-${++n}`,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443', ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
      ...extra,
    }),
  );
}

/** What a request gets from a kubeconfig, comparable across both loaders. */
async function applied(kc: KubeAccess): Promise<Record<string, unknown>> {
  const opts: https.RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(opts);
  const agent = opts.agent as (https.Agent & { options: https.AgentOptions }) | undefined;
  const bytes = (b: unknown): string | undefined =>
    b === undefined ? undefined : Buffer.isBuffer(b) ? `buffer:${b.toString('utf8')}` : String(b);
  return {
    headers: opts.headers,
    ca: bytes(opts.ca),
    cert: bytes(opts.cert),
    key: bytes(opts.key),
    rejectUnauthorized: opts.rejectUnauthorized,
    servername: opts.servername,
    auth: opts.auth,
    agent: agent?.constructor.name,
    agentHttps: agent instanceof https.Agent,
    agentHttp: agent instanceof http.Agent,
    agentOptions: {
      ca: bytes(agent?.options.ca),
      cert: bytes(agent?.options.cert),
      key: bytes(agent?.options.key),
      rejectUnauthorized: agent?.options.rejectUnauthorized,
      servername: agent?.options.servername,
    },
  };
}

async function clientNode(path: string): Promise<Record<string, unknown>> {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return applied(kc);
}

const pem = (what: string): string => Buffer.from(`-----${what}-----`).toString('base64');

describe('loadKubeConfig', () => {
  const certs = join(dir, 'certs');
  mkdirSync(certs);
  writeFileSync(join(certs, 'ca.crt'), 'CA FILE');
  writeFileSync(join(certs, 'client.crt'), 'CERT FILE');
  writeFileSync(join(certs, 'client.key'), 'KEY FILE');
  const tokenFile = write('token', 'file-token');
  const exec = write(
    'exec-plugin.mjs',
    `#!/usr/bin/env node\nprocess.stdout.write(JSON.stringify({apiVersion:'client.authentication.k8s.io/v1',kind:'ExecCredential',status:{token:'exec-token',expirationTimestamp:'2999-01-01T00:00:00Z'}}))\n`,
  );
  chmodSync(exec, 0o755);

  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['a token', {}, { token: 't0ken' }],
    ['a token file', {}, { 'token-file': tokenFile }],
    [
      'client certificate files relative to the kubeconfig, CA data',
      { 'certificate-authority-data': pem('CA DATA') },
      { 'client-certificate': 'certs/client.crt', 'client-key': 'certs/client.key' },
    ],
    [
      'a CA file, certificate data',
      { 'certificate-authority': 'certs/ca.crt' },
      { 'client-certificate-data': pem('CERT'), 'client-key-data': pem('KEY') },
    ],
    [
      'insecure-skip-tls-verify and tls-server-name',
      { 'insecure-skip-tls-verify': true, 'tls-server-name': 'api.local' },
      { token: 't' },
    ],
    ['basic auth and impersonation', {}, { username: 'admin', password: 'secret', as: 'jane' }],
    [
      'an exec plugin',
      {},
      { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: exec, interactiveMode: 'Never' } },
    ],
    [
      'plain HTTP with insecure-skip-tls-verify',
      { server: 'http://127.0.0.1:8080', 'insecure-skip-tls-verify': true },
      { token: 't' },
    ],
  ];
  for (const [name, cluster, user] of cases) {
    it(`gives the request options client-node gives: ${name}`, async () => {
      const path = kubeconfig(cluster, user);
      const light = await loadKubeConfig({ kubeconfig: path, userAgent: 'test' });
      assert.ok(light instanceof StaticKubeConfig, 'the whole client was not needed');
      const got = await applied(light);
      assert.deepEqual(got, await clientNode(path));
      // Something was applied: the comparison is not of two empty objects.
      assert.notDeepEqual(got, await applied(new StaticKubeConfig()));
    });
  }

  it('refuses plain HTTP without insecure-skip-tls-verify, as client-node does', async () => {
    const path = kubeconfig({ server: 'http://127.0.0.1:8080' }, { token: 't' });
    const light = await loadKubeConfig({ kubeconfig: path, userAgent: 'test' });
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    const message = await kc.applyToHTTPSOptions({}).then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    assert.equal(message, 'HTTP protocol is not allowed when skipTLSVerify is not set or false');
    await assert.rejects(light.applyToHTTPSOptions({}), { message });
  });

  it('loads the whole client for a proxy or the oidc provider', async () => {
    for (const [cluster, user] of [
      [{ 'proxy-url': 'http://127.0.0.1:3128' }, { token: 't' }],
      [{}, { 'auth-provider': { name: 'oidc', config: { 'id-token': 'x', 'client-id': 'y' } } }],
    ] as const) {
      const kc = await loadKubeConfig({ kubeconfig: kubeconfig(cluster, user), userAgent: 'test' });
      assert.ok(kc instanceof KubeConfig, JSON.stringify({ cluster, user }));
    }
  });

  it('merges the files of KUBECONFIG as client-node does: the last current-context wins', async () => {
    const a = kubeconfig({}, { token: 'a' });
    const b = write(
      'config-b',
      JSON.stringify({
        clusters: [{ name: 'c2', cluster: { server: 'https://10.0.0.2:6443' } }],
        users: [{ name: 'u2', user: { token: 'b' } }],
        contexts: [{ name: 'y', context: { cluster: 'c2', user: 'u2' } }],
        'current-context': 'y',
      }),
    );
    const env = { KUBECONFIG: `${a}:${b}` };
    const light = loadDefaultKubeConfig(env);
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = env.KUBECONFIG;
    const kc = new KubeConfig();
    try {
      kc.loadFromDefault();
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
    assert.equal(light.getCurrentContext(), 'y');
    assert.equal(light.getCurrentCluster()?.server, 'https://10.0.0.2:6443');
    assert.deepEqual(await applied(light), await applied(kc));
    const both = await loadKubeConfig({ context: 'x', userAgent: 'test' }, { env });
    assert.equal(both.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
    // A name defined in two files is an error, as in client-node.
    await assert.rejects(loadKubeConfig({ userAgent: 'test' }, { env: { KUBECONFIG: `${a}:${a}` } }), {
      code: 'ERR_KUBECONFIG',
      message: /Duplicate cluster: c/,
    });
  });

  it("uses the Pod's service account when there is no kubeconfig", async () => {
    const root = mkdtempSync(join(tmpdir(), 'kubetrail-sa-'));
    writeFileSync(join(root, 'token'), 'sa-token');
    writeFileSync(join(root, 'ca.crt'), 'SA CA');
    const kc = await loadKubeConfig(
      { userAgent: 'test' },
      {
        env: {
          HOME: join(root, 'no-home'),
          KUBERNETES_SERVICE_HOST: 'fd00::1',
          KUBERNETES_SERVICE_PORT: '443',
        },
        serviceAccountRoot: root,
      },
    );
    assert.equal(kc.getCurrentCluster()?.server, 'https://[fd00::1]:443');
    const got = await applied(kc);
    assert.deepEqual(got.headers, { Authorization: 'Bearer sa-token' });
    assert.equal(got.ca, 'buffer:SA CA');
  });

  it('names what is wrong: an unknown context, a missing user, an unreadable file', async () => {
    const path = kubeconfig({}, { token: 't' });
    await assert.rejects(loadKubeConfig({ kubeconfig: path, context: 'nope', userAgent: 'test' }), {
      code: 'ERR_KUBECONFIG',
      message: 'context "nope" not found; kubeconfig has: x',
    });
    const noUser = kubeconfig(
      {},
      { token: 't' },
      { contexts: [{ name: 'x', context: { cluster: 'c', user: 'ghost' } }] },
    );
    await assert.rejects(loadKubeConfig({ kubeconfig: noUser, userAgent: 'test' }), (e: unknown) => {
      assert.ok(e instanceof KubeConfigError);
      assert.equal(e.message, 'context "x" names user "ghost", which the kubeconfig does not define');
      return true;
    });
    await assert.rejects(loadKubeConfig({ kubeconfig: join(dir, 'missing'), userAgent: 'test' }), {
      code: 'ERR_KUBECONFIG',
      message: /^cannot load kubeconfig .*missing: ENOENT/,
    });
  });
});
