/**
 * How replicas find the leader's tap: a replica started with a tap peer
 * address holds the Lease as `IDENTITY@HOST:PORT`, so the Lease every replica
 * already reads names where the leader's tap listens. No lookup, no extra RBAC.
 */
import { parseListenAddress } from '../../config/listen-address.js';

/** The holder identity that carries this replica's tap address, e.g. `kubetrail-5d9c-x2x7q@10.244.1.7:4317`. */
export function identityWithTapAddress(identity: string, tapAddress: string | undefined): string {
  return tapAddress === undefined ? identity : `${identity}@${tapAddress}`;
}

/** The tap address a holder identity carries (after its last `@`); undefined when it carries none. */
export function tapAddressOf(holderIdentity: string | undefined): string | undefined {
  if (!holderIdentity) return undefined;
  const at = holderIdentity.lastIndexOf('@');
  if (at < 0) return undefined;
  const address = holderIdentity.slice(at + 1);
  const parsed = parseListenAddress(address);
  return parsed && parsed.port > 0 ? address : undefined;
}
