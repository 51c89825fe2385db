import { DomainError } from "@folio/billing";
import type Stripe from "stripe";
import type { Context, CustomerActor, StaffActor } from "../context.ts";

/**
 * The `{ db, stripe, clock, actor }` a billing command takes, from a signed-in procedure's
 * context. A server always has a Stripe client (real, or the emulator in demo mode); only a
 * test context may lack one, and then a command that needs Stripe says so instead of crashing.
 */
export function billingDeps<A extends CustomerActor | StaffActor>(
  ctx: Pick<Context, "db" | "clock" | "stripe"> & { actor: A },
): { db: Context["db"]; stripe: Stripe; clock: Context["clock"]; actor: A } {
  if (!ctx.stripe) {
    throw new DomainError(
      "UPSTREAM",
      "Billing is not connected to Stripe on this server. Set STRIPE_SECRET_KEY, or run in demo mode.",
    );
  }
  return { db: ctx.db, stripe: ctx.stripe, clock: ctx.clock, actor: ctx.actor };
}
