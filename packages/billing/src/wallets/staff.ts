import { users, withTransaction, type Db } from "@folio/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { assertCanMoveMoney, type StaffActor } from "../admin/approvals/policy.ts";
import { attemptIdSchema } from "../portal/command.ts";
import {
  credit,
  debit,
  entryBySource,
  lockWallets,
  walletActor,
  type WalletEntryRow,
} from "./ledger.ts";

/** Support grants or debits up to this many credits alone; finance and admin have no limit. */
export const SUPPORT_CREDIT_LIMIT = 1_000;
export const MAX_CREDIT_MOVE = 100_000_000;

const units = z
  .number({ message: "Enter a number of credits." })
  .int({ message: "Use whole credits." })
  .min(1, { message: "Move at least 1 credit." })
  .max(MAX_CREDIT_MOVE);
const reason = z.string().trim().min(3, { message: "Say why, in a few words." }).max(500);

export const grantCreditsInput = z.object({
  /** Made when the form opens: every submission of that form is the same grant. */
  attemptId: attemptIdSchema,
  userId: z.string().trim().min(1).max(100),
  units,
  reason,
  /** When the granted credits expire if unused; never when absent. */
  expiresAt: z.coerce.date().optional(),
});
export const debitCreditsInput = grantCreditsInput.omit({ expiresAt: true });

export interface WalletStaffDeps {
  db: Db;
  clock: Clock;
  actor: StaffActor;
}

function assertWithinLimit(actor: StaffActor, n: number) {
  assertCanMoveMoney(actor);
  if (actor.role === "support" && n > SUPPORT_CREDIT_LIMIT) {
    throw new DomainError(
      "FORBIDDEN",
      `Support can move up to ${SUPPORT_CREDIT_LIMIT.toLocaleString("en")} credits at a time; ask finance or an admin for more.`,
    );
  }
}

async function staffMove(
  deps: WalletStaffDeps,
  kind: "grant" | "debit",
  input: z.output<typeof grantCreditsInput>,
): Promise<WalletEntryRow> {
  assertWithinLimit(deps.actor, input.units);
  const now = deps.clock.now();
  if (kind === "grant" && input.expiresAt && input.expiresAt <= now) {
    throw new DomainError("BAD_REQUEST", "The expiry date must be in the future.", {
      field: "expiresAt",
    });
  }
  const sourceId = `${kind}:${input.attemptId}`;
  return withTransaction(deps.db, async (tx) => {
    const customer = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, input.userId), eq(users.role, "customer")))
      .get();
    if (!customer) throw new DomainError("NOT_FOUND", "No such customer.", { field: "userId" });
    await lockWallets(tx, [input.userId]);
    const seen = await entryBySource(tx, sourceId);
    if (seen) {
      if (seen.userId !== input.userId || Math.abs(seen.units) !== input.units) {
        throw new DomainError(
          "CONFLICT",
          "This credit form was already sent with other details. Close it and open it again.",
        );
      }
      return seen;
    }
    const move = {
      userId: input.userId,
      type: kind,
      units: input.units,
      sourceId,
      actor: walletActor(deps.actor),
      at: now,
      reason: input.reason,
    } as const;
    const entry =
      kind === "grant" ? await credit(tx, move, input.expiresAt ?? null) : await debit(tx, move);
    await audit(tx, deps.actor, {
      action: kind === "grant" ? "wallet.granted" : "wallet.debited",
      target: `user:${input.userId}`,
      after: { units: entry.units, balanceAfter: entry.balanceAfter, expiresAt: entry.expiresAt },
      reason: input.reason,
      at: now,
    });
    return entry;
  });
}

/** Staff give a customer credits (optionally expiring), with a reason; audited, once per attempt. */
export function grantCredits(deps: WalletStaffDeps, raw: z.input<typeof grantCreditsInput>) {
  return staffMove(deps, "grant", grantCreditsInput.parse(raw));
}

/** Staff take credits back (never below zero), with a reason; audited, once per attempt. */
export function debitCredits(deps: WalletStaffDeps, raw: z.input<typeof debitCreditsInput>) {
  return staffMove(deps, "debit", debitCreditsInput.parse(raw));
}
