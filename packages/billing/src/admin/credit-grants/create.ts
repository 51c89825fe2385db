import { billingCustomers, creditGrants, type Db } from "@folio/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit/audit.ts";
import { DomainError } from "../../errors.ts";
import { attemptIdSchema } from "../../portal/command.ts";
import { MAX_MINOR_AMOUNT, currencyCode } from "../../settings.ts";
import { assertCanMoveMoney, needsApproval, type StaffCommandDeps } from "../approvals/policy.ts";
import { requestOnce } from "../approvals/request-once.ts";
import { assertBalanceCurrency } from "./currency.ts";
import { executeCreditGrant, type CreditGrantRow } from "./execute.ts";

export const createCreditGrantInput = z.object({
  /** Made when the grant form opens: every submission of that form is the same grant. */
  attemptId: attemptIdSchema,
  /** The Folio customer (user id). */
  userId: z.string().trim().min(1).max(100),
  /** Minor units; positive gives the customer credit, negative takes credit away (a debit). */
  amount: z
    .number({ message: "Enter an amount." })
    .int({ message: "Use whole minor units (cents)." })
    .min(-MAX_MINOR_AMOUNT)
    .max(MAX_MINOR_AMOUNT)
    .refine((n) => n !== 0, { message: "The amount cannot be zero." }),
  currency: currencyCode,
  /** Why; shown on the customer's credit history as the entry's description. */
  reason: z.string().trim().min(3, { message: "Say why, in a few words." }).max(500),
});
export type CreateCreditGrantInput = z.input<typeof createCreditGrantInput>;

export const creditLockKey = (stripeCustomerId: string) => `credit:customer:${stripeCustomerId}`;

/**
 * Grants credit to (or debits it from) a customer's Stripe credit balance, as one customer
 * balance transaction so their next invoice uses it. Support above its limit gets a request that
 * waits for approval. The same `attemptId` is the same grant, however often it is sent.
 */
export async function createCreditGrant(
  deps: StaffCommandDeps,
  raw: CreateCreditGrantInput,
): Promise<CreditGrantRow> {
  assertCanMoveMoney(deps.actor);
  const input = createCreditGrantInput.parse(raw);
  return requestOnce(deps, {
    find: (db) =>
      db.select().from(creditGrants).where(eq(creditGrants.idempotencyKey, input.attemptId)).get(),
    assertSame: (row) => assertSameGrant(row, input),
    execute: (row) => executeCreditGrant(deps, row),
    prepare: () => prepareCreditGrant(deps, input),
  });
}

async function prepareCreditGrant(
  deps: StaffCommandDeps,
  input: z.output<typeof createCreditGrantInput>,
) {
  const link = await deps.db
    .select({ stripeCustomerId: billingCustomers.stripeCustomerId })
    .from(billingCustomers)
    .where(eq(billingCustomers.userId, input.userId))
    .get();
  if (!link) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "This customer has no Stripe customer yet (they have never started a checkout), so there is no credit balance to change.",
    );
  }
  await assertBalanceCurrency(deps.stripe, link.stripeCustomerId, input.currency);
  const approval = await needsApproval(deps.db, deps.actor, input.amount, input.currency);
  const now = deps.clock.now();

  const reserve = async (tx: Db): Promise<CreditGrantRow> => {
    const row: CreditGrantRow = {
      id: `cgr_${crypto.randomUUID()}`,
      idempotencyKey: input.attemptId,
      stripeCustomerId: link.stripeCustomerId,
      userId: input.userId,
      amount: input.amount,
      currency: input.currency,
      reason: input.reason,
      status: approval ? "awaiting_approval" : "processing",
      failureReason: null,
      balanceTransactionId: null,
      requestedBy: deps.actor.userId,
      decidedBy: null,
      decidedAt: null,
      decisionNote: null,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insert(creditGrants).values(row);
    await audit(tx, deps.actor, {
      action: approval ? "credit_grant.requested" : "credit_grant.created",
      target: `credit_grant:${row.id}`,
      after: {
        userId: row.userId,
        stripeCustomerId: row.stripeCustomerId,
        amount: row.amount,
        currency: row.currency,
        status: row.status,
      },
      reason: row.reason,
      at: now,
    });
    return row;
  };
  return { lockKey: creditLockKey(link.stripeCustomerId), reserve };
}

function assertSameGrant(row: CreditGrantRow, input: z.output<typeof createCreditGrantInput>) {
  if (
    row.userId !== input.userId ||
    row.amount !== input.amount ||
    row.currency !== input.currency
  ) {
    throw new DomainError(
      "CONFLICT",
      "This credit form was already sent with other details. Close it and open it again.",
    );
  }
}
