// Test support for the inbox: deliver recorded events signed, as Stripe would.
import type { Db } from "@folio/db";
import type Stripe from "stripe";
import type { Clock } from "../clock.ts";
import { ingestWebhook, type IngestResult } from "./ingest.ts";
import { signStripePayload } from "./signature.ts";

export const TEST_WEBHOOK_SECRET = "whsec_folio_sync_tests";

/** Signs each event body freshly (as a redelivery would be) and feeds it to the inbox, in order. */
export async function deliver(
  deps: { db: Db; clock: Clock },
  events: ReadonlyArray<Stripe.Event | string>,
  secret = TEST_WEBHOOK_SECRET,
): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  for (const e of events) {
    const body = typeof e === "string" ? e : JSON.stringify(e);
    const t = Math.floor(deps.clock.now().getTime() / 1000);
    results.push(
      await ingestWebhook(deps, {
        rawBody: Buffer.from(body),
        signatureHeader: signStripePayload(body, secret, t),
        secrets: [secret],
      }),
    );
  }
  return results;
}
