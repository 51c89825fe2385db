import { webhookEvents } from "@folio/db";
import { max } from "drizzle-orm";
import type { SyncDeps } from "./hooks.ts";

// Versions for objects that come from the API rather than from an event: Stripe's clock, not
// ours (ours may be skewed; the emulator's can be advanced), rounded down to its second.

/**
 * A lower bound of Stripe's "now" in seconds: nothing Stripe had sent us can be newer than what
 * the API returns after it.
 */
export async function stripeNowFromInbox(
  deps: Pick<SyncDeps, "db">,
  atLeastMs: number,
): Promise<number> {
  const row = await deps.db
    .select({ latest: max(webhookEvents.created) })
    .from(webhookEvents)
    .get();
  const latest = row?.latest ? row.latest.getTime() : 0;
  return Math.floor(Math.max(latest, atLeastMs) / 1000);
}

/**
 * Stripe's "now" as a version for fetched objects: the second of the newest event Stripe (or our
 * inbox) knows. Events of earlier seconds are older than what we fetch next; one of that very
 * second may be newer (a change later in the second), so it ties and the object is fetched again.
 */
export async function fetchVersionNow(deps: SyncDeps): Promise<number> {
  let latest = 0;
  try {
    for await (const e of deps.stripe.events.list({ limit: 1 })) {
      latest = e.created * 1000;
      break;
    }
  } catch {
    // Listing events is an optimisation of the version; the inbox bound still holds.
  }
  const inbox = await stripeNowFromInbox(deps, latest);
  // No events anywhere: nothing can conflict, our clock is as good as any.
  const sec = inbox > 0 ? inbox : Math.floor(deps.clock.now().getTime() / 1000);
  return sec * 1000;
}
