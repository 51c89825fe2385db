import { audit, hashPassword } from "@folio/billing";
import { users, withTransaction, type Db } from "@folio/db";
import { inArray } from "drizzle-orm";
import { DEMO_PASSWORD } from "../demo.ts";
import type { CastMember } from "./cast.ts";

const ACTOR = { type: "job", name: "demo-seed" } as const;
/** Rows per INSERT (PostgreSQL takes at most 65,535 parameters per statement). */
const BATCH = 200;

/**
 * The cast's Folio accounts (role customer), made before the story is played so that each
 * Stripe customer can carry its user's id in `folio_user_id` and the webhook mirror links them,
 * as it does for a customer who signed up. Each is dated the day its member signed up.
 *
 * Password: the demo password, so anyone trying the demo can sign in as any of these customers
 * (a past-due one, a reactivated one) and see the portal with months of history; the staff
 * accounts already share it, so it opens nothing new. It is hashed once for the whole cast —
 * argon2id is deliberately slow, and 320 hashes would add seconds of CPU to seeding. Returns the
 * user id per cast member's index; accounts left by an interrupted seed are reused.
 */
export async function createCastUsers(
  db: Db,
  cast: readonly CastMember[],
): Promise<Map<number, string>> {
  const existing = new Map<string, string>();
  for (let i = 0; i < cast.length; i += BATCH) {
    const emails = cast.slice(i, i + BATCH).map((m) => m.email);
    const rows = await db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(inArray(users.email, emails));
    for (const r of rows) existing.set(r.email, r.id);
  }
  const missing = cast.filter((m) => !existing.has(m.email));
  const rows = missing.map((m) => {
    const at = new Date(m.signupAt * 1000);
    return { id: crypto.randomUUID(), email: m.email, name: m.name, at };
  });
  if (rows.length > 0) {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await withTransaction(db, async (tx) => {
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH);
        await tx.insert(users).values(
          batch.map(({ at, ...u }) => ({
            ...u,
            role: "customer" as const,
            passwordHash,
            createdAt: at,
            updatedAt: at,
          })),
        );
      }
      for (const { id, email, name, at } of rows) {
        await audit(tx, ACTOR, {
          action: "customer.created",
          target: `user:${id}`,
          after: { email, name, role: "customer" },
          at,
        });
      }
    });
  }
  for (const r of rows) existing.set(r.email, r.id);
  return new Map(cast.map((m) => [m.index, existing.get(m.email)!]));
}
