/**
 * One write request kube-apiserver served, as its own spans tell it: the
 * handler span (`Create`, `Update`, `Patch`, `Delete`) joined with its HTTP
 * server span and its etcd child. It is what a link points at.
 */
export interface ApiRequest {
  /** The handler span: links point here, and the back-link span is its child. */
  readonly traceId: string;
  readonly spanId: string;
  /** `CREATE`, `UPDATE`, `PATCH`, `APPLY` or `DELETE`. */
  readonly verb: string;
  /** Plural resource, e.g. `pods`, `deployments`. */
  readonly resource: string;
  /** e.g. `binding`, `scale`, `status`; empty for the object itself. */
  readonly subresource: string;
  /** Empty for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
  readonly userAgent: string;
  /** Who sent it: the service account's name in the user agent, else the program (`kubectl`, `kwok`). */
  readonly actor: string;
  readonly auditId: string;
  /** The `fieldManager` query parameter, when the client sent one. */
  readonly fieldManager?: string;
  /** Epoch milliseconds, the apiserver's clock. */
  readonly startTime: number;
  readonly endTime: number;
}
