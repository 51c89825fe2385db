import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { DomainError } from "../errors.ts";

/** Whether endpoints may point at this machine or a private network: demo and tests only. */
export interface UrlPolicy {
  allowPrivate: boolean;
}

// Loopback, private, link-local, CGNAT, documentation/benchmark, multicast and reserved ranges:
// a webhook must not let someone with admin access probe the server's own network.
const blocked = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["2001:db8::", 32],
] as const) {
  blocked.addSubnet(net, bits, "ipv6");
}

/** True for an address an endpoint may not resolve to outside demo/test. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family !== 6) return true;
  // IPv4-mapped (::ffff:10.0.0.1) and NAT64 forms carry an IPv4 address: judge that.
  const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], "ipv4");
  return blocked.check(address, "ipv6");
}

const refuse = (message: string) => new DomainError("BAD_REQUEST", message, { field: "url" });

/** Parses an endpoint URL and checks its form: http(s), a host, no credentials. */
export function parseEndpointUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw refuse(
      `"${raw}" is not a URL. Enter a full address such as https://hook.example.com/folio.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw refuse(`Endpoint URLs must start with https:// (or http://), not ${url.protocol}//.`);
  }
  if (url.username || url.password) {
    throw refuse("Put credentials in the receiver's own settings, not in the endpoint URL.");
  }
  url.hash = "";
  return url;
}

/**
 * Resolves the URL's host and refuses it when any address it resolves to is private, loopback or
 * link-local (unless the policy allows it), or when it does not resolve. Called when an endpoint
 * is saved; deliveries check each address again as they connect (see post.ts).
 */
export async function checkEndpointUrl(raw: string, policy: UrlPolicy): Promise<URL> {
  const url = parseEndpointUrl(raw);
  if (policy.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw refuse(`${host} does not resolve to an address. Check the host name.`);
  }
  const bad = addresses.find(isPrivateAddress);
  if (bad !== undefined) {
    throw refuse(
      `${host} resolves to ${bad}, a private, loopback or link-local address. Endpoints must be reachable on the public internet.`,
    );
  }
  return url;
}
