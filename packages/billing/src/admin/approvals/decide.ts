import { creditGrants, lockKeys, refunds, users, withTransaction, type Tx } from "@folio/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit/audit.ts";
import { DomainError } from "../../errors.ts";
import { creditLockKey } from "../credit-grants/create.ts";
import { executeCreditGrant, type CreditGrantRow } from "../credit-grants/execute.ts";
import { overRefund, refundLockKey } from "../refunds/create.ts";
import { executeRefund, type RefundRow } from "../refunds/execute.ts";
import { refundableAmount, resolveRefundTarget } from "../refunds/target.ts";
import { assertCanDecide, type StaffCommandDeps } from "./policy.ts";

export const decideRequestInput = z.object({
  kind: z.enum(["refund", "credit_grant"]),
  id: z.string().trim().min(1).max(100),
  decision: z.enum(["approve", "reject"]),
  /** Why; required to reject, so the requester learns the reason. */
  note: z.string().trim().max(1000).optional(),
});
export type DecideRequestInput = z.input<typeof decideRequestInput>;

export type Decided =
  { kind: "refund"; row: RefundRow } | { kind: "credit_grant"; row: CreditGrantRow };

/**
 * Approves or rejects a refund or credit grant awaiting approval (maker/checker): finance or an
 * admin, never the person who asked. The decision is one conditional update under the same lock
 * the request was made under, so of two approvers clicking at once one wins and the other is told
 * it was already decided; an approved request is then sent to Stripe exactly once (the request's
 * idempotency key). An approved refund is checked again against what is still refundable.
 */
export async function decideRequest(
  deps: StaffCommandDeps,
  raw: DecideRequestInput,
): Promise<Decided> {
  assertCanDecide(deps.actor);
  const input = decideRequestInput.parse(raw);
  if (input.decision === "reject" && !input.note) {
    throw new DomainError("BAD_REQUEST", "Say why you reject it; the requester will see it.");
  }
  const table = input.kind === "refund" ? refunds : creditGrants;
  const found = await deps.db.select().from(table).where(eq(table.id, input.id)).get();
  if (!found) throw new DomainError("NOT_FOUND", "No such request.");
  const lockKey =
    input.kind === "refund"
      ? refundLockKey((found as RefundRow).paymentIntentId!)
      : creditLockKey((found as CreditGrantRow).stripeCustomerId);
  const now = deps.clock.now();
  const status = input.decision === "approve" ? "processing" : "rejected";

  await withTransaction(deps.db, async (tx) => {
    await lockKeys(tx, [lockKey]);
    const row = await tx.select().from(table).where(eq(table.id, input.id)).get();
    if (!row) throw new DomainError("NOT_FOUND", "No such request.");
    if (row.status !== "awaiting_approval") throw await alreadyDecided(tx, row);
    if (row.requestedBy === deps.actor.userId) {
      throw new DomainError(
        "FORBIDDEN",
        "You asked for this yourself: another finance member or admin has to approve or reject it.",
      );
    }
    if (input.kind === "refund" && input.decision === "approve") {
      const r = row as RefundRow;
      // The payment may have changed since the request (refunded elsewhere, disputed).
      const target = await resolveRefundTarget(
        tx,
        r.orderId ? { orderId: r.orderId } : { invoiceId: r.invoiceId! },
      );
      const refundable = await refundableAmount(tx, target, r.id);
      if (r.amount > refundable) throw overRefund(r.amount, refundable, r.currency);
    }
    await tx
      .update(table)
      .set({
        status,
        decidedBy: deps.actor.userId,
        decidedAt: now,
        decisionNote: input.note || null,
        updatedAt: now,
      })
      .where(and(eq(table.id, row.id), eq(table.status, "awaiting_approval")));
    await audit(tx, deps.actor, {
      action: `${input.kind}.${input.decision === "approve" ? "approved" : "rejected"}`,
      target: `${input.kind}:${row.id}`,
      before: { status: row.status },
      after: { status, amount: row.amount, currency: row.currency },
      reason: input.note || null,
      at: now,
    });
  });

  const row = (await deps.db.select().from(table).where(eq(table.id, input.id)).get())!;
  if (status === "rejected") {
    return input.kind === "refund"
      ? { kind: "refund", row: row as RefundRow }
      : { kind: "credit_grant", row: row as CreditGrantRow };
  }
  return input.kind === "refund"
    ? { kind: "refund", row: await executeRefund(deps, row as RefundRow) }
    : { kind: "credit_grant", row: await executeCreditGrant(deps, row as CreditGrantRow) };
}

async function alreadyDecided(
  tx: Tx,
  row: { status: string; decidedBy: string | null },
): Promise<DomainError> {
  const who = row.decidedBy
    ? await tx.select({ name: users.name }).from(users).where(eq(users.id, row.decidedBy)).get()
    : undefined;
  return new DomainError(
    "CONFLICT",
    `This request was already decided${who ? ` by ${who.name}` : ""}: it is ${row.status.replaceAll("_", " ")}.`,
  );
}
