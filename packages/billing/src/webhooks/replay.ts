import type { SyncDeps } from "../sync/hooks.ts";
import { ingestEvent } from "./ingest.ts";

export interface ReplayResult {
  /** Events Stripe reports as not (yet) delivered. */
  undelivered: number;
  /** Of those, added to the inbox now (the rest were already there). */
  queued: number;
}

/**
 * Queues every event Stripe reports with `delivery_success: false` (Stripe keeps 30 days of
 * events) that the inbox does not already hold; the worker then applies them as usual. The
 * events come from the authenticated API, so no signature is needed.
 */
export async function replayUndelivered(deps: SyncDeps): Promise<ReplayResult> {
  const result: ReplayResult = { undelivered: 0, queued: 0 };
  for await (const e of deps.stripe.events.list({ delivery_success: false, limit: 100 })) {
    result.undelivered++;
    if ((await ingestEvent(deps, JSON.stringify(e)))?.inserted) result.queued++;
  }
  return result;
}
