import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Where webhooks may be delivered (from the environment). */
export interface UrlPolicy {
  /** http:// as well as https:// (development, tests). */
  allowHttp: boolean;
  /** Loopback, private, link-local, multicast and unspecified addresses too (tests' local receivers). */
  allowPrivateNetworks: boolean;
}

/** A URL the service will not deliver to, and why (the message becomes a 422 or a failed attempt). */
export class UrlRefused extends Error {}

/** Addresses a tenant must not reach through the service: its own network, not the internet. */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network, unspecified
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 (reaches IPv4 addresses)
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/** True for an address in a loopback, private, link-local, multicast, unspecified or reserved range. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1], 'ipv4');
  return BLOCKED.check(address, 'ipv6');
}

/** The URL's shape: https (or http when allowed), a host, no credentials. Throws UrlRefused. */
export function checkUrlShape(raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefused('The webhook URL is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw new UrlRefused(policy.allowHttp ? 'The webhook URL must use https or http' : 'The webhook URL must use https');
  }
  if (url.username || url.password) throw new UrlRefused('The webhook URL must not contain credentials');
  if (!url.hostname) throw new UrlRefused('The webhook URL has no host');
  return url;
}

/**
 * The addresses the host resolves to, each allowed by the policy; throws UrlRefused when the
 * host does not resolve or any address is refused (a host with one internal address is
 * refused, whatever else it has).
 */
export async function resolveAllowed(hostname: string, policy: UrlPolicy): Promise<Array<{ address: string; family: number }>> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new UrlRefused(`The webhook host ${host} does not resolve`);
  }
  if (addresses.length === 0) throw new UrlRefused(`The webhook host ${host} does not resolve`);
  if (!policy.allowPrivateNetworks) {
    const blocked = addresses.find((entry) => isBlockedAddress(entry.address));
    if (blocked) {
      throw new UrlRefused(
        `The webhook host ${host} resolves to ${blocked.address}, a loopback, private, link-local or otherwise internal address`,
      );
    }
  }
  return addresses;
}

/** The whole check of a subscription's URL: its shape, then where its host resolves to now. */
export async function checkUrl(raw: string, policy: UrlPolicy): Promise<URL> {
  const url = checkUrlShape(raw, policy);
  await resolveAllowed(url.hostname, policy);
  return url;
}
