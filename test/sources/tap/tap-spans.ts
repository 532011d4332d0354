/** Hand-built apiserver-like spans for the tap tests. */
import type { TapSpan } from '../../../src/model/tap-span.js';

/** A `Patch` handler span as kube-apiserver v1.37 sends it, with distinct ids per `i`. */
export function handlerSpan(i: number, attributes: TapSpan['attributes'] = {}): TapSpan {
  const n = (i + 1).toString(16);
  return {
    traceId: n.padStart(32, 'a'),
    spanId: n.padStart(16, 'b'),
    name: 'Patch',
    service: 'apiserver',
    startTime: 1_764_494_137_123.456 + i,
    endTime: 1_764_494_137_130 + i,
    attributes: {
      resource: 'deployments',
      namespace: 'default',
      name: `web-${i}`,
      verb: 'PATCH',
      'user-agent': 'kubectl/v1.37.1',
      ...attributes,
    },
  };
}
