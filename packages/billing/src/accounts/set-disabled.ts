import { sessions, users, withTransaction, type Role } from "@folio/db";
import { eq } from "drizzle-orm";
import { audit } from "../audit/audit.ts";
import { DomainError } from "../errors.ts";
import {
  accountKind,
  assertAnotherEnabledAdmin,
  assertMayManageAccounts,
  isSelf,
  loadAccount,
  lockAccounts,
  type AccountsContext,
  type UserRef,
} from "./context.ts";

export interface SetUserDisabledInput {
  user: UserRef;
  disabled: boolean;
  /** Why, in the actor's words; stored in the audit row. */
  reason?: string | null;
  /** Staff screens: customers are not found (they are managed elsewhere). */
  staffOnly?: boolean;
}

export interface SetUserDisabledResult {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  /** False when the account already was in the requested state (nothing audited). */
  changed: boolean;
  /** Sessions ended by this call. */
  sessionsEnded: number;
}

/**
 * Disables an account (it cannot sign in, and every session it has ends at once) or enables it
 * again. Refuses to disable the actor's own account and the last enabled admin. The change, the
 * ended sessions and the audit row (`staff.disabled` / `customer.enabled` …, before/after,
 * reason, the actor's IP) commit together.
 */
export async function setUserDisabled(
  { db, clock, actor }: AccountsContext,
  input: SetUserDisabledInput,
): Promise<SetUserDisabledResult> {
  assertMayManageAccounts(actor);
  return withTransaction(db, async (tx) => {
    await lockAccounts(tx);
    const account = await loadAccount(tx, input.user, input.staffOnly ?? false);
    if (input.disabled && isSelf(actor, account)) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        "You cannot disable your own account. Ask another admin to do it.",
      );
    }
    if (input.disabled) await assertAnotherEnabledAdmin(tx, account, "disable them");

    const changed = account.disabled !== input.disabled;
    const now = clock.now();
    if (changed) {
      await tx
        .update(users)
        .set({ disabled: input.disabled, updatedAt: now })
        .where(eq(users.id, account.id));
    }
    // Sessions of disabled users are refused anyway; ending them here signs the user out
    // everywhere at once, whichever instance serves them. Also tidies up after a lost delete.
    const ended = input.disabled
      ? await tx
          .delete(sessions)
          .where(eq(sessions.userId, account.id))
          .returning({ id: sessions.id })
      : [];
    if (changed) {
      await audit(tx, actor, {
        action: `${accountKind(account.role)}.${input.disabled ? "disabled" : "enabled"}`,
        target: `user:${account.id}`,
        before: { disabled: account.disabled },
        after: { disabled: input.disabled },
        reason: input.reason ?? null,
        at: now,
      });
    }
    return {
      id: account.id,
      email: account.email,
      role: account.role,
      disabled: input.disabled,
      changed,
      sessionsEnded: ended.length,
    };
  });
}
