import { lockKeys, users, type Db, type Role, type Tx } from "@folio/db";
import { and, eq, ne } from "drizzle-orm";
import type { Actor } from "../audit/actor.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { normalizeEmail } from "./input.ts";

/** What every accounts function is called with: who acts, on which database, at what time. */
export interface AccountsContext {
  db: Db;
  clock: Clock;
  actor: Actor;
}

/** A user named by id (staff screens) or by email (the CLI). */
export type UserRef = { id: string } | { email: string };

export interface AccountRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
}

/** Audit namespace of an account: `staff.*` for staff accounts, `customer.*` for customers. */
export const accountKind = (role: Role): "staff" | "customer" =>
  role === "customer" ? "customer" : "staff";

/** Changing accounts is for staff (the router checks which), the operator's CLI and jobs. */
export function assertMayManageAccounts(actor: Actor): void {
  if (actor.type === "customer" || actor.type === "sync") {
    throw new DomainError("FORBIDDEN", "Only staff and operators can change accounts.");
  }
}

/**
 * Serializes changes to accounts (disable, enable, role) so two admins demoting or disabling each
 * other at the same moment cannot both pass the "another admin remains" check. PostgreSQL: a
 * transaction-scoped advisory lock; SQLite write transactions are serialized already. Account
 * changes are rare, so one lock for all of them costs nothing.
 */
export function lockAccounts(tx: Tx): Promise<void> {
  return lockKeys(tx, ["accounts"]);
}

/** The account `ref` names; NOT_FOUND if none (or, with `staffOnly`, if it is a customer). */
export async function loadAccount(tx: Tx, ref: UserRef, staffOnly: boolean): Promise<AccountRow> {
  const where = "id" in ref ? eq(users.id, ref.id) : eq(users.email, normalizeEmail(ref.email));
  const row = await tx
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      disabled: users.disabled,
    })
    .from(users)
    .where(staffOnly ? and(where, ne(users.role, "customer")) : where)
    .get();
  if (!row) {
    const named = "id" in ref ? `id ${ref.id}` : `email ${normalizeEmail(ref.email)}`;
    throw new DomainError(
      "NOT_FOUND",
      staffOnly ? `No staff account with ${named}.` : `No user with ${named}.`,
    );
  }
  return row;
}

/** True when the actor is the account's own user. */
export function isSelf(actor: Actor, account: AccountRow): boolean {
  return (actor.type === "staff" || actor.type === "customer") && actor.userId === account.id;
}

/**
 * Refuses a change that would leave no enabled admin (nobody could manage staff any more).
 * Call after `lockAccounts`.
 */
export async function assertAnotherEnabledAdmin(
  tx: Tx,
  account: AccountRow,
  change: string,
): Promise<void> {
  if (account.role !== "admin" || account.disabled) return;
  const other = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.disabled, false), ne(users.id, account.id)))
    .limit(1)
    .get();
  if (!other) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `${account.email} is the only enabled admin, so you cannot ${change}. Make another user an admin first (folio user:create --role admin).`,
    );
  }
}
