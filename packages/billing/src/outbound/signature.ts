import { createHmac, timingSafeEqual } from "node:crypto";

// Folio's outbound webhook signature, documented in the README ("Verifying a delivery"):
//   Folio-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of `${t}.${raw body}` with the secret>
// During a secret rotation's grace period a second v1 (signed with the previous secret) follows,
// so a receiver still on the old secret keeps verifying.

export const SIGNATURE_HEADER = "folio-signature";

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** The header value for `body` sent at `timestamp` (unix seconds), one v1 per secret. */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string) {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${signatureOf(s, timestamp, body)}`)].join(
    ",",
  );
}

/**
 * A receiver's check, as the README describes it: some v1 matches and the timestamp is within
 * `toleranceSeconds` of `nowSeconds` (a replayed old request is refused).
 */
export function verifySignatureHeader(
  header: string,
  body: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = header.split(",").map((p) => p.trim().split("="));
  const t = Number(parts.find(([k]) => k === "t")?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, t, body), "hex");
  return parts.some(([k, v]) => {
    if (k !== "v1" || !v) return false;
    const given = Buffer.from(v, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
