import { createHmac } from "node:crypto";
import type { DeliveryAttempt } from "./types.ts";

/** `t=<ts>,v1=<sig>[,v1=<sig>…]` — one v1 per active secret, as during a Stripe secret roll. */
export function signPayload(
  payload: string,
  secrets: readonly string[],
  timestamp: number,
): string {
  const parts = [`t=${timestamp}`];
  for (const secret of secrets) {
    const sig = createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
    parts.push(`v1=${sig}`);
  }
  return parts.join(",");
}

/** POSTs one signed event as Stripe does; a timeout or network error is a failed attempt. */
export async function postSigned(
  url: string,
  payload: string,
  secrets: readonly string[],
  timeoutMs: number,
): Promise<DeliveryAttempt> {
  const started = Date.now();
  const at = new Date(started).toISOString();
  const signature = signPayload(payload, secrets, Math.floor(started / 1000));
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "stripe-signature": signature,
        "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
      },
      body: payload,
      // Stripe does not follow redirects: a 3xx is a failed delivery.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text().catch(() => "");
    return {
      at,
      status: res.status,
      error: null,
      durationMs: Date.now() - started,
      ...(text ? { response: text.slice(0, 500) } : {}),
    };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    return {
      at,
      status: null,
      error: timedOut ? `timed out after ${timeoutMs}ms` : String(error),
      durationMs: Date.now() - started,
    };
  }
}
