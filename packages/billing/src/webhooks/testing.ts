// Test support for the inbox: deliver recorded events signed, as Stripe would.
import type { Db } from "@folio/db";
import type Stripe from "stripe";
import type { Clock } from "../clock.ts";
import type { SyncHooks } from "../sync/hooks.ts";
import { prng, shuffle } from "../sync/testing.ts";
import { ingestWebhook, type IngestResult } from "./ingest.ts";
import { signStripePayload } from "./signature.ts";
import { startWebhookWorker, type DrainResult } from "./worker.ts";

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

/**
 * Webhooks as they may really arrive: each event delivered `minCopies` to three times, all
 * shuffled (both drawn from `seed`), then the whole inbox applied once. The drain's outcome.
 */
export async function deliverShuffledAndApply(
  deps: { db: Db; stripe: Stripe; clock: Clock; hooks: SyncHooks },
  events: readonly Stripe.Event[],
  seed: number,
  minCopies = 1,
): Promise<DrainResult> {
  const random = prng(seed);
  const copies = events.flatMap((e) =>
    Array.from({ length: minCopies + Math.floor(random() * (4 - minCopies)) }, () => e),
  );
  await deliver(deps, shuffle(copies, random));
  const worker = startWebhookWorker(deps, { autoStart: false });
  const result = await worker.drain();
  await worker.stop();
  return result;
}
