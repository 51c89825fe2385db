import { isUniqueViolation, lockKeys, withTransaction, type Db } from "@folio/db";
import { audit } from "../../audit/audit.ts";
import { DomainError } from "../../errors.ts";
import { isStripeError, stripeFailure } from "../../stripe-errors.ts";
import type { StaffCommandDeps } from "./policy.ts";

/** What a money request row (a refund, a credit grant) has that the shared flow reads. */
export interface MoneyRequestRow {
  status: string;
  updatedAt: Date;
}

export interface MoneyRequest<Row extends MoneyRequestRow> {
  /** The request this attempt already made, if any (by its idempotency key). */
  find: (db: Db) => Promise<Row | undefined>;
  /** Throws a CONFLICT when a repeat of the attempt carries other details than the first. */
  assertSame: (row: Row) => void;
  /** Sends the request to Stripe and records the outcome. */
  execute: (row: Row) => Promise<Row>;
  /**
   * Runs only for a new attempt: checks the input (throwing a clear error) and says which lock
   * serialises the money it moves and how to write the row (with its audit) under that lock.
   */
  prepare: () => Promise<{ lockKey: string; reserve: (tx: Db) => Promise<Row> }>;
}

/**
 * The one path every staff money move takes: the request row is written once per attempt,
 * under a lock, before Stripe is called; a repeat of the attempt returns that row (and sends it
 * again only if the first send went quiet); a request awaiting approval waits for a decision.
 */
export async function requestOnce<Row extends MoneyRequestRow>(
  deps: Pick<StaffCommandDeps, "db" | "clock">,
  request: MoneyRequest<Row>,
): Promise<Row> {
  const repeat = (row: Row): Promise<Row> | Row => {
    request.assertSame(row);
    return isStalled(deps, row) ? request.execute(row) : row;
  };
  const existing = await request.find(deps.db);
  if (existing) return repeat(existing);

  const { lockKey, reserve } = await request.prepare();
  let created: { row: Row; isNew: boolean };
  try {
    created = await withTransaction(deps.db, async (tx) => {
      await lockKeys(tx, [lockKey]);
      const again = await request.find(tx);
      if (again) return { row: again, isNew: false };
      return { row: await reserve(tx), isNew: true };
    });
  } catch (e) {
    // PostgreSQL: a twin with the same key under another lock got in first.
    if (!isUniqueViolation(e)) throw e;
    const winner = await request.find(deps.db);
    if (!winner) throw e;
    return repeat(winner);
  }
  if (!created.isNew) return repeat(created.row);
  // A request awaiting approval reaches Stripe only when finance or an admin approves it.
  if (created.row.status === "awaiting_approval") return created.row;
  return request.execute(created.row);
}

/** How long a send may stay unconfirmed before a repeat of the form sends it again. */
export const RESEND_AFTER_MS = 10_000;

/**
 * A processing request whose send has gone quiet (the server died, Stripe did not answer). A
 * repeat while the first send is still in flight just reports it, so fifty double clicks are not
 * fifty calls to Stripe; a later repeat sends again with the same key, which Stripe answers with
 * what it already did, if it did it.
 */
export function isStalled(deps: Pick<StaffCommandDeps, "clock">, row: MoneyRequestRow): boolean {
  return (
    row.status === "processing" &&
    deps.clock.now().getTime() - row.updatedAt.getTime() >= RESEND_AFTER_MS
  );
}

export interface SendFailure {
  /** "refund", "change the credit balance": what the Stripe call was for, in words. */
  doing: string;
  /** What the caller hears when Stripe may or may not have acted (the row stays processing). */
  unconfirmed: string;
  /** Moves the row from processing to failed with Stripe's reason; false if it had moved on. */
  markFailed: (tx: Db, reason: string, at: Date) => Promise<boolean>;
  /** The audit entry of the failure: `<kind>.failed` on `<kind>:<id>`. */
  kind: string;
  id: string;
  status: string;
}

/**
 * What to tell the caller when a money request's Stripe call threw. A refusal (4xx: the charge
 * is disputed, the balance is in another currency, …) is final: the row is marked failed with
 * Stripe's reason, and audited. Anything else may or may not have reached Stripe, so the row
 * stays processing and the caller is told it can send it again.
 */
export async function sendFailure(
  deps: Pick<StaffCommandDeps, "db" | "clock" | "actor">,
  e: unknown,
  failure: SendFailure,
): Promise<unknown> {
  const err = stripeFailure(e, failure.doing);
  const refused =
    isStripeError(e) && e.type === "StripeInvalidRequestError" && e.statusCode !== 409;
  if (!refused) {
    if (err instanceof DomainError && err.code === "UPSTREAM") {
      return new DomainError("UPSTREAM", failure.unconfirmed, err.details);
    }
    return err;
  }
  const reason = (e as { message: string }).message;
  const now = deps.clock.now();
  await withTransaction(deps.db, async (tx) => {
    if (!(await failure.markFailed(tx, reason, now))) return;
    await audit(tx, deps.actor, {
      action: `${failure.kind}.failed`,
      target: `${failure.kind}:${failure.id}`,
      before: { status: failure.status },
      after: { status: "failed", failureReason: reason },
      at: now,
    });
  });
  return new DomainError("PRECONDITION_FAILED", `Stripe refused to ${failure.doing}: ${reason}`);
}
