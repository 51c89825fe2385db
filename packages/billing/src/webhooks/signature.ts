import { createHmac, timingSafeEqual } from "node:crypto";

export type SignatureFailure =
  | "missing_header"
  | "malformed_header"
  | "no_v1_signature"
  | "timestamp_too_old"
  | "timestamp_in_future"
  | "no_secret_configured"
  | "signature_mismatch";

export type SignatureResult =
  { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure };

/**
 * Verifies a `Stripe-Signature` header (`t=…,v1=…[,v1=…][,v0=…]`) over the exact raw body.
 * Accepts if any `v1` matches any secret (rotation: several secrets are valid at once); `v0`
 * (test-mode legacy scheme) is ignored. Unlike the SDK, timestamps too far in the future are
 * rejected as well as stale ones.
 */
export function verifyStripeSignature(
  rawBody: Buffer | string,
  header: string | undefined | null,
  secrets: readonly string[],
  nowMs: number,
  toleranceSeconds = 300,
): SignatureResult {
  if (secrets.length === 0) return { ok: false, reason: "no_secret_configured" };
  if (!header) return { ok: false, reason: "missing_header" };
  let timestamp: number | null = null;
  const v1: Buffer[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      if (!/^\d{1,12}$/.test(value)) return { ok: false, reason: "malformed_header" };
      timestamp = Number(value);
    } else if (key === "v1" && /^[0-9a-f]{64}$/i.test(value)) {
      v1.push(Buffer.from(value, "hex"));
    }
  }
  if (timestamp === null) return { ok: false, reason: "malformed_header" };
  if (v1.length === 0) return { ok: false, reason: "no_v1_signature" };
  const skew = Math.floor(nowMs / 1000) - timestamp;
  if (skew > toleranceSeconds) return { ok: false, reason: "timestamp_too_old" };
  if (skew < -toleranceSeconds) return { ok: false, reason: "timestamp_in_future" };

  const body = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac("sha256", secret)
      .update(`${timestamp}.`, "utf8")
      .update(body)
      .digest();
    // Compare against every candidate without short-circuiting, so timing reveals nothing.
    for (const candidate of v1) {
      if (timingSafeEqual(expected, candidate)) matched = true;
    }
  }
  return matched ? { ok: true, timestamp } : { ok: false, reason: "signature_mismatch" };
}

/** Builds a valid header for `payload` (tests, the bench, and the emulator-less dev path). */
export function signStripePayload(
  payload: Buffer | string,
  secret: string,
  timestampSeconds: number,
): string {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  const sig = createHmac("sha256", secret)
    .update(`${timestampSeconds}.`, "utf8")
    .update(body)
    .digest("hex");
  return `t=${timestampSeconds},v1=${sig}`;
}
