import { sessions, users, type Db, type Role } from "@folio/db";
import type { Actor } from "../audit/actor.ts";
import { manualClock } from "../clock.ts";

// Test helpers for the accounts suites (no test-runner dependency).

export const clock = manualClock(Date.UTC(2026, 2, 1));

/** Inserts an account without hashing a password (fast; sign-in is not what these tests test). */
export async function insertAccount(
  db: Db,
  id: string,
  role: Role,
  over: { disabled?: boolean; email?: string } = {},
) {
  const at = new Date(Date.UTC(2026, 0, 1));
  await db.insert(users).values({
    id,
    email: over.email ?? `${id}@folio.test`,
    name: id,
    passwordHash: "x",
    role,
    disabled: over.disabled ?? false,
    createdAt: at,
    updatedAt: at,
  });
  return id;
}

export async function insertSession(db: Db, id: string, userId: string): Promise<void> {
  await db.insert(sessions).values({
    id,
    secretHash: "00",
    userId,
    createdAt: clock.now(),
    expiresAt: new Date(clock.now().getTime() + 86_400_000),
  });
}

export const staffActor = (userId: string, ip = "198.51.100.7"): Actor => ({
  type: "staff",
  userId,
  role: "admin",
  ip,
});

export const operator: Actor = { type: "operator", name: "ops" };
