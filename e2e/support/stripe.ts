import Stripe from "stripe";
import type { ServerInfo } from "./server-info.ts";

/** The official SDK pointed at the server's embedded emulator (any `sk_test_` key is accepted). */
export function emulatorStripe(server: ServerInfo): Stripe {
  const url = new URL(server.stripeEmulatorURL);
  return new Stripe("sk_test_folio_e2e", {
    host: url.hostname,
    port: Number(url.port),
    protocol: url.protocol === "https:" ? "https" : "http",
    maxNetworkRetries: 0,
    telemetry: false,
  });
}

/**
 * Calls `probe` every `intervalMs` until it returns a value or `timeoutMs` passes. Returns the
 * value and how long it took (ms since the call), or null on timeout so the caller can assert
 * with a message that says what never appeared.
 */
export async function pollUntil<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  {
    timeoutMs,
    intervalMs = 25,
    since = performance.now(),
  }: {
    timeoutMs: number;
    intervalMs?: number;
    /** Start of the measured interval (`performance.now()`), when it began before the call. */
    since?: number;
  },
): Promise<{ value: T; elapsedMs: number } | null> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return { value, elapsedMs: Math.round(performance.now() - since) };
    if (performance.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
