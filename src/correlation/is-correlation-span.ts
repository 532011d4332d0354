import type { TapSpan } from '../model/tap-span.js';
import { isKubeletPodSpan } from './kubelet-span-index.js';
import { isIndexedSpan } from './request-index.js';

/**
 * Whether correlation has any use for a received span: an apiserver write's
 * handler, storage or HTTP span, or a kubelet span about a Pod. Only these are
 * indexed and kept in a recording; the rest are only forwarded.
 */
export function isCorrelationSpan(span: TapSpan): boolean {
  return isIndexedSpan(span) || isKubeletPodSpan(span);
}
