import { users, withTransaction, type Role } from "@folio/db";
import { eq } from "drizzle-orm";
import { audit } from "../audit/audit.ts";
import { DomainError } from "../errors.ts";
import {
  assertAnotherEnabledAdmin,
  assertMayManageAccounts,
  isSelf,
  loadAccount,
  lockAccounts,
  type AccountsContext,
  type UserRef,
} from "./context.ts";

export interface ChangeUserRoleInput {
  user: UserRef;
  role: Role;
  reason?: string | null;
  /** Staff screens: customers are not found, and nobody is made a customer. */
  staffOnly?: boolean;
}

export interface ChangeUserRoleResult {
  id: string;
  email: string;
  role: Role;
  /** False when the account already had the role (nothing audited). */
  changed: boolean;
}

/**
 * Gives an account another role. Refuses to change the actor's own role and to take the admin
 * role from the last enabled admin. Sessions stay: every request reads the role afresh. The
 * change and its audit row (`staff.role_changed`, before/after, reason, IP) commit together.
 */
export async function changeUserRole(
  { db, clock, actor }: AccountsContext,
  input: ChangeUserRoleInput,
): Promise<ChangeUserRoleResult> {
  assertMayManageAccounts(actor);
  if (input.staffOnly && input.role === "customer") {
    throw new DomainError("BAD_REQUEST", "Staff accounts cannot be given the customer role.");
  }
  return withTransaction(db, async (tx) => {
    await lockAccounts(tx);
    const account = await loadAccount(tx, input.user, input.staffOnly ?? false);
    if (account.role === input.role) {
      return { id: account.id, email: account.email, role: account.role, changed: false };
    }
    if (isSelf(actor, account)) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        "You cannot change your own role. Ask another admin to do it.",
      );
    }
    if (input.role !== "admin") {
      await assertAnotherEnabledAdmin(tx, account, "take their admin role");
    }
    const now = clock.now();
    await tx
      .update(users)
      .set({ role: input.role, updatedAt: now })
      .where(eq(users.id, account.id));
    await audit(tx, actor, {
      action: "staff.role_changed",
      target: `user:${account.id}`,
      before: { role: account.role },
      after: { role: input.role },
      reason: input.reason ?? null,
      at: now,
    });
    return { id: account.id, email: account.email, role: input.role, changed: true };
  });
}
