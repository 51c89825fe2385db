import { decideRequest, decideRequestInput, listPendingApprovals } from "@folio/billing";
import { billingDeps } from "../../lib/billing-deps.ts";
import { router, staffProcedure } from "../../trpc.ts";

/** Maker/checker: refunds and credit grants above support's limit, waiting for a decision. */
export const approvalsRouter = router({
  /** Everything awaiting approval, oldest first. */
  list: staffProcedure("approvals.decide").query(async ({ ctx }) =>
    (await listPendingApprovals(ctx.db)).map((a) => ({
      ...a,
      createdAt: a.createdAt.toISOString(),
      /** The caller asked for it: they cannot decide it. */
      mine: a.requestedBy?.id === ctx.actor.userId,
    })),
  ),

  /** Approves (then sends to Stripe, once) or rejects a request; never one's own. */
  decide: staffProcedure("approvals.decide")
    .input(decideRequestInput)
    .mutation(async ({ ctx, input }) => {
      const { kind, row } = await decideRequest(billingDeps(ctx), input);
      return { kind, id: row.id, status: row.status, failureReason: row.failureReason };
    }),
});
