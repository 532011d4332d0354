/**
 * The kubeconfig, loaded the way @kubernetes/client-node's KubeConfig loads it
 * (--kubeconfig, else KUBECONFIG, else ~/.kube/config, else in-cluster), without
 * loading all of client-node: its index pulls in every generated API model,
 * about 50 MiB of RSS kubetrail never uses. The parsing (client-node's
 * `config_types.js`), the exec plugin and the token-file authenticators are
 * client-node's own light modules; only a kubeconfig that needs a proxy or the
 * azure, gcp or oidc auth providers loads the whole client.
 */
import { accessSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIPv6 } from 'node:net';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import {
  type Cluster,
  type Context,
  newClusters,
  newContexts,
  newUsers,
  type User,
} from '@kubernetes/client-node/dist/config_types.js';
import { ExecAuth } from '@kubernetes/client-node/dist/exec_auth.js';
import { FileAuth } from '@kubernetes/client-node/dist/file_auth.js';
import yaml from 'js-yaml';

/** What the transport needs of a kubeconfig; client-node's KubeConfig has it too. */
export interface KubeAccess {
  /** The current context's cluster (its `server`), or null. */
  getCurrentCluster(): { readonly server: string } | null;
  /** Sets TLS, credentials and the agent on `opts`; re-applied per request, as tokens rotate. */
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

/** Where to find the cluster: the kubeconfig as kubectl picks it, or the Pod's service account. */
export interface KubeConnectionOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly userAgent: string;
}

/** Error loading the kubeconfig or reaching the cluster, with a stable code. */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
  readonly code = 'ERR_KUBECONFIG';
}

const SERVICEACCOUNT_ROOT = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Auth providers only the whole client implements. */
const FULL_CLIENT_AUTH_PROVIDERS = new Set(['azure', 'gcp', 'oidc']);

interface Authenticator {
  isAuthProvider(user: User): boolean;
  applyAuthentication(user: User, opts: https.RequestOptions): Promise<void>;
}

function fileExists(path: string): boolean {
  try {
    accessSync(path);
    return true;
  } catch {
    return false;
  }
}

function findNamed<T extends { readonly name: string }>(
  list: readonly T[],
  name: string | undefined,
): T | null {
  for (const item of list) if (item.name === name) return item;
  return null;
}

function bufferFromFileOrString(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) return readFileSync(file);
  if (data) return Buffer.from(data, 'base64');
  return undefined;
}

function absolute(root: string, file: string): string {
  return !root || isAbsolute(file) ? file : join(root, file);
}

/**
 * A kubeconfig with client-node's data model and request options, for the
 * cases that need no proxy and no azure, gcp or oidc provider.
 */
export class StaticKubeConfig implements KubeAccess {
  clusters: Cluster[] = [];
  users: User[] = [];
  contexts: Context[] = [];
  currentContext: string | undefined;
  // One of each per config, as client-node's are per process: exec credentials are cached by it.
  readonly #authenticators: readonly Authenticator[] = [new ExecAuth(), new FileAuth()];

  /** Reads one kubeconfig file; relative certificate paths are taken from its directory. */
  loadFromFile(file: string): void {
    const root = dirname(file);
    this.loadFromString(readFileSync(file, 'utf8'));
    for (const c of this.clusters) if (c.caFile) c.caFile = absolute(root, c.caFile);
    for (const u of this.users) {
      if (u.certFile) u.certFile = absolute(root, u.certFile);
      if (u.keyFile) u.keyFile = absolute(root, u.keyFile);
    }
  }

  /** Parses kubeconfig YAML (or JSON) with client-node's validation. */
  loadFromString(text: string): void {
    const obj = (yaml.load(text) ?? {}) as Record<string, unknown>;
    this.clusters = newClusters(obj.clusters);
    this.contexts = newContexts(obj.contexts);
    this.users = newUsers(obj.users);
    const current = obj['current-context'];
    this.currentContext = typeof current === 'string' ? current : undefined;
  }

  /** Adds another file's entries; a name defined twice is an error, its current context wins. */
  merge(other: StaticKubeConfig): void {
    if (other.currentContext) this.currentContext = other.currentContext;
    const add = <T extends { readonly name: string }>(list: T[], items: readonly T[], what: string): void => {
      for (const item of items) {
        if (list.some((x) => x.name === item.name)) throw new Error(`Duplicate ${what}: ${item.name}`);
        list.push(item);
      }
    };
    add(this.clusters, other.clusters, 'cluster');
    add(this.users, other.users, 'user');
    add(this.contexts, other.contexts, 'context');
  }

  /** The Pod's service account; `root` stands for `/var/run/secrets/kubernetes.io/serviceaccount` in tests. */
  loadFromCluster(env: Readonly<Record<string, string | undefined>>, root = SERVICEACCOUNT_ROOT): void {
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT;
    const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
    const serverHost = host && isIPv6(host) ? `[${host}]` : host;
    this.clusters = [
      {
        name: 'inCluster',
        caFile: `${root}/ca.crt`,
        server: `${scheme}://${serverHost}:${port}`,
        skipTLSVerify: false,
      },
    ];
    this.users = [
      { name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile: `${root}/token` } } },
    ];
    this.contexts = [{ cluster: 'inCluster', name: 'inClusterContext', user: 'inClusterUser' }];
    this.currentContext = 'inClusterContext';
  }

  getContexts(): readonly Context[] {
    return this.contexts;
  }

  getCurrentContext(): string | undefined {
    return this.currentContext;
  }

  setCurrentContext(name: string): void {
    this.currentContext = name;
  }

  getContextObject(name: string | undefined): Context | null {
    return findNamed(this.contexts, name);
  }

  getCurrentCluster(): Cluster | null {
    const ctx = this.getContextObject(this.currentContext);
    return ctx ? findNamed(this.clusters, ctx.cluster) : null;
  }

  getCurrentUser(): User | null {
    const ctx = this.getContextObject(this.currentContext);
    return ctx ? findNamed(this.users, ctx.user) : null;
  }

  /** Whether the current context needs what only the whole client has: a proxy, or the azure, gcp or oidc provider. */
  needsFullClient(): boolean {
    const provider = (this.getCurrentUser()?.authProvider as { name?: unknown } | undefined)?.name;
    return (
      Boolean(this.getCurrentCluster()?.proxyUrl) ||
      (typeof provider === 'string' && FULL_CLIENT_AUTH_PROVIDERS.has(provider))
    );
  }

  /** Sets TLS, credentials and a fresh agent on `opts`, as client-node's `applyToHTTPSOptions` does. */
  async applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> {
    const cluster = this.getCurrentCluster();
    const user = this.getCurrentUser();
    if (user) {
      if (cluster?.skipTLSVerify) opts.rejectUnauthorized = false;
      if (cluster?.tlsServerName) opts.servername = cluster.tlsServerName;
      const ca = cluster ? bufferFromFileOrString(cluster.caFile, cluster.caData) : undefined;
      if (ca) opts.ca = ca;
      const cert = bufferFromFileOrString(user.certFile, user.certData);
      if (cert) opts.cert = cert;
      const key = bufferFromFileOrString(user.keyFile, user.keyData);
      if (key) opts.key = key;
      opts.headers ??= {};
      const headers = opts.headers as http.OutgoingHttpHeaders;
      if (user.impersonateUser != null) headers['Impersonate-User'] = user.impersonateUser;
      const authenticator = this.#authenticators.find((a) => a.isAuthProvider(user));
      if (authenticator) await authenticator.applyAuthentication(user, opts);
      if (user.token) headers.Authorization = `Bearer ${user.token}`;
      if (user.username) opts.auth = `${user.username}:${user.password}`;
    }
    const agentOptions: https.AgentOptions = {
      ...(opts.ca === undefined ? {} : { ca: opts.ca }),
      ...(opts.cert === undefined ? {} : { cert: opts.cert }),
      ...(opts.key === undefined ? {} : { key: opts.key }),
      ...(opts.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: opts.rejectUnauthorized }),
      ...(opts.servername === undefined ? {} : { servername: opts.servername }),
    };
    if (cluster?.server.startsWith('http:')) {
      if (!cluster.skipTLSVerify)
        throw new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false');
      opts.agent = new http.Agent(agentOptions) as unknown as https.Agent;
    } else {
      opts.agent = new https.Agent(agentOptions);
    }
  }
}

/** Reads the kubeconfig as client-node's `loadFromDefault` does on Linux and macOS. */
export function loadDefaultKubeConfig(
  env: Readonly<Record<string, string | undefined>>,
  serviceAccountRoot = SERVICEACCOUNT_ROOT,
): StaticKubeConfig {
  const kc = new StaticKubeConfig();
  const files = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f.length > 0);
  const [first, ...rest] = files;
  if (first !== undefined) {
    kc.loadFromFile(first);
    for (const file of rest) {
      const more = new StaticKubeConfig();
      more.loadFromFile(file);
      kc.merge(more);
    }
    return kc;
  }
  const home = env.HOME && fileExists(env.HOME) ? env.HOME : undefined;
  const config = home === undefined ? undefined : join(home, '.kube', 'config');
  if (config !== undefined && fileExists(config)) kc.loadFromFile(config);
  else if (fileExists(`${serviceAccountRoot}/token`)) kc.loadFromCluster(env, serviceAccountRoot);
  else {
    kc.clusters = [{ name: 'cluster', server: 'http://localhost:8080', skipTLSVerify: false }];
    kc.users = [{ name: 'user' }];
    kc.contexts = [{ name: 'loaded-context', cluster: 'cluster', user: 'user' }];
    kc.currentContext = 'loaded-context';
  }
  return kc;
}

/** What {@link loadKubeConfig} reads besides the files; tests inject it. */
export interface KubeConfigEnvironment {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly serviceAccountRoot?: string;
  readonly platform?: NodeJS.Platform;
}

interface ContextSelectable extends KubeAccess {
  getContexts(): readonly { readonly name: string }[];
  getCurrentContext(): string | undefined;
  setCurrentContext(name: string): void;
  getContextObject(name: string): { readonly user: string } | null;
  getCurrentUser(): unknown;
}

/** Checks and applies `--context`, and that the current context names a cluster and a user. */
function selectContext<K extends ContextSelectable>(kc: K, context: string | undefined): K {
  if (context) {
    if (!kc.getContexts().some((c) => c.name === context)) {
      throw new KubeConfigError(
        `context "${context}" not found; kubeconfig has: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        }`,
      );
    }
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) {
    throw new KubeConfigError('no cluster: set --kubeconfig or KUBECONFIG, or run inside a Pod');
  }
  // client-node applies no CA and no credentials when the context names a missing user.
  if (!kc.getCurrentUser()) {
    const current = kc.getCurrentContext() ?? '';
    throw new KubeConfigError(
      `context "${current}" names user "${kc.getContextObject(current)?.user ?? ''}", which the kubeconfig does not define`,
    );
  }
  return kc;
}

/**
 * Loads the kubeconfig like kubectl: --kubeconfig, else KUBECONFIG, else
 * ~/.kube/config, else in-cluster. The whole client is loaded only when the
 * chosen context needs it (a proxy; the azure, gcp or oidc provider; Windows).
 */
export async function loadKubeConfig(
  options: KubeConnectionOptions,
  environment: KubeConfigEnvironment = {},
): Promise<KubeAccess> {
  const env = environment.env ?? process.env;
  const where = options.kubeconfig ?? '(default)';
  const failed = (cause: unknown): KubeConfigError =>
    new KubeConfigError(`cannot load kubeconfig ${where}: ${(cause as Error).message}`, { cause });
  if ((environment.platform ?? process.platform) !== 'win32') {
    let kc: StaticKubeConfig;
    try {
      if (options.kubeconfig) {
        kc = new StaticKubeConfig();
        kc.loadFromFile(options.kubeconfig);
      } else kc = loadDefaultKubeConfig(env, environment.serviceAccountRoot);
    } catch (cause) {
      throw failed(cause);
    }
    selectContext(kc, options.context);
    if (!kc.needsFullClient()) return kc;
  }
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (cause) {
    throw failed(cause);
  }
  return selectContext(kc, options.context);
}
