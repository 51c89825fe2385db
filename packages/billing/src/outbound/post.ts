import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { isPrivateAddress, type UrlPolicy } from "./url.ts";

export interface PostResult {
  /** Null when no response came (refused, timed out, address not allowed). */
  statusCode: number | null;
  latencyMs: number;
  /** Why no response came. */
  error: string | null;
  /** The first bytes of the answer. */
  body: string | null;
}

const BODY_KEPT = 1024;

/** Resolves like dns.lookup but fails on a private address: checked as the socket connects, so a
 * host re-pointed after the endpoint was saved (DNS rebinding) is refused too. */
function guardedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 4);
      const bad = addresses.find((a) => !policy.allowPrivate && isPrivateAddress(a.address));
      if (bad) {
        return callback(
          new Error(`${hostname} resolves to ${bad.address}, a private address`),
          "",
          4,
        );
      }
      if (options.all) return callback(null, addresses, 4);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** POSTs `body` as JSON; never throws (every outcome is a result to log). */
export function postJson(
  url: URL,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; policy: UrlPolicy; signal?: AbortSignal },
): Promise<PostResult> {
  const started = performance.now();
  // An address in the URL itself is connected to without a lookup: check it here.
  const literal = url.hostname.replace(/^\[|\]$/g, "");
  if (!opts.policy.allowPrivate && isIP(literal) && isPrivateAddress(literal)) {
    return Promise.resolve({
      statusCode: null,
      latencyMs: 0,
      error: `${literal} is a private address`,
      body: null,
    });
  }
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Omit<PostResult, "latencyMs">) => {
      if (settled) return;
      settled = true;
      resolve({ ...r, latencyMs: Math.round(performance.now() - started) });
    };
    const req = client.request(
      url,
      {
        method: "POST",
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
        lookup: guardedLookup(opts.policy),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on("data", (c: Buffer) => {
          if (kept < BODY_KEPT) chunks.push(c);
          kept += c.length;
        });
        res.on("end", () =>
          done({
            statusCode: res.statusCode ?? null,
            error: null,
            body: Buffer.concat(chunks).toString("utf8").slice(0, BODY_KEPT),
          }),
        );
        res.on("error", (err) =>
          done({ statusCode: res.statusCode ?? null, error: err.message, body: null }),
        );
      },
    );
    // The whole exchange, not only an idle socket: a receiver trickling bytes times out too.
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    req.on("close", () => clearTimeout(timer));
    req.on("error", (err) => done({ statusCode: null, error: err.message, body: null }));
    req.end(body);
  });
}
