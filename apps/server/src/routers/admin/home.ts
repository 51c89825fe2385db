import { adminHome } from "@folio/billing";
import { can } from "../../permissions.ts";
import { staffProcedure } from "../../trpc.ts";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The console's home page for any staff role: each card is computed only for a role that may
 * open the page where it is acted on, so a response never holds figures the caller may not see.
 */
export const homeProcedure = staffProcedure("home.read").query(async ({ ctx }) => {
  const role = ctx.actor.role;
  const home = await adminHome(ctx.db, ctx.clock, {
    // Fulfilment works the queue; whoever reads orders answers "where is my order?".
    shipping: can(role, "orders.fulfill") || can(role, "orders.read"),
    approvals: can(role, "approvals.decide"),
    failedPayments: can(role, "customers.read"),
    webhooks: can(role, "webhooks.read"),
  });
  return {
    shipping: home.shipping ?? null,
    approvals: home.approvals ?? null,
    failedPayments: home.failedPayments ?? null,
    webhooks: home.webhooks
      ? { ...home.webhooks, oldestUnappliedAt: iso(home.webhooks.oldestUnappliedAt) }
      : null,
  };
});
