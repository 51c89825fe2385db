import { isUniqueViolation, ROLES, users, withTransaction, type Db, type Role } from "@folio/db";
import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/audit.ts";
import { DomainError } from "../errors.ts";
import { accountKind, assertMayManageAccounts, type AccountsContext } from "./context.ts";
import { emailSchema, nameSchema, parseInput, passwordSchema } from "./input.ts";
import { hashPassword } from "./password.ts";

/**
 * Who creates an account: a staff user, the operator's CLI or a job, or — for sign-up — the
 * person the account is for (`{ type: "self" }`; the audit row names the new customer).
 */
export type CreatingActor = Actor | { type: "self"; ip?: string | null };

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: Role;
}

export interface CreatedUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

const newUserSchema = z.object({
  email: emailSchema,
  name: nameSchema,
  password: passwordSchema,
  role: z.enum(ROLES, { error: `Use one of: ${ROLES.join(", ")}.` }),
});

function conflict(email: string, actor: CreatingActor): DomainError {
  return new DomainError(
    "CONFLICT",
    actor.type === "self"
      ? `An account with ${email} already exists. Sign in instead.`
      : `An account with ${email} already exists.`,
    { email },
  );
}

/**
 * Creates one account with an argon2id password hash, audited (`customer.created` for sign-up,
 * `staff.created` …) in the same transaction. An email in use (any case) is a CONFLICT,
 * checked up front for a clear message and again by the unique index for races.
 */
export async function createUser(
  ctx: Omit<AccountsContext, "actor"> & { actor: CreatingActor },
  input: NewUser,
): Promise<CreatedUser> {
  const [created] = await createUsers(ctx, [input]);
  return created!;
}

/**
 * Creates several accounts all-or-nothing (demo seeding): the passwords are hashed first, outside
 * the transaction, then every row and its audit row are written in one.
 */
export async function createUsers(
  { db, clock, actor }: Omit<AccountsContext, "actor"> & { actor: CreatingActor },
  inputs: readonly NewUser[],
): Promise<CreatedUser[]> {
  const parsed = inputs.map((i) => parseInput(newUserSchema, i));
  if (actor.type === "self") {
    if (parsed.some((u) => u.role !== "customer")) {
      throw new DomainError("FORBIDDEN", "Sign-up creates customer accounts only.");
    }
  } else {
    assertMayManageAccounts(actor);
  }
  const seen = new Set<string>();
  for (const u of parsed) {
    if (seen.has(u.email)) throw conflict(u.email, actor);
    seen.add(u.email);
  }
  const taken = await emailsInUse(
    db,
    parsed.map((u) => u.email),
  );
  if (taken[0]) throw conflict(taken[0], actor);

  const rows = await Promise.all(
    parsed.map(async (u) => ({
      id: crypto.randomUUID(),
      email: u.email,
      name: u.name,
      role: u.role,
      passwordHash: await hashPassword(u.password),
    })),
  );
  const now = clock.now();
  try {
    await withTransaction(db, async (tx) => {
      for (const row of rows) {
        await tx.insert(users).values({ ...row, createdAt: now, updatedAt: now });
        await audit(tx, actor.type === "self" ? selfActor(row.id, actor.ip) : actor, {
          action: `${accountKind(row.role)}.created`,
          target: `user:${row.id}`,
          after: { email: row.email, name: row.name, role: row.role },
          at: now,
        });
      }
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Someone took an address between the check and the insert.
    const [email] = await emailsInUse(
      db,
      rows.map((r) => r.email),
    );
    throw conflict(email ?? rows[0]!.email, actor);
  }
  return rows.map(({ id, email, name, role }) => ({ id, email, name, role }));
}

const selfActor = (userId: string, ip: string | null | undefined): Actor => ({
  type: "customer",
  userId,
  ip: ip ?? null,
});

async function emailsInUse(db: Db, emails: string[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const rows = await db
    .select({ email: users.email })
    .from(users)
    .where(emails.length === 1 ? eq(users.email, emails[0]!) : inArray(users.email, emails));
  return rows.map((r) => r.email);
}
