import { manualClock } from "@folio/billing";
import { closeDb, createDb, sessions, users } from "@folio/db";
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { eq } from "drizzle-orm";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { insertUser, setup } from "../test/helpers.ts";
import {
  createSession,
  deleteExpiredSessions,
  invalidateUserSessions,
  SESSION_TTL_MS,
  validateSessionToken,
} from "./session.ts";

const DAY = 24 * 60 * 60 * 1000;

afterAll(dropTestDatabases);

describe("sessions", () => {
  it("stores only the id and a SHA-256 of the secret, never the token", async () => {
    const { db, clock } = await setup();
    const user = await insertUser(db, "customer");
    const { token } = await createSession(db, clock, user.id);
    const [id, secret] = token.split(".") as [string, string];

    const row = await db.select().from(sessions).get();
    expect(row?.id).toBe(id);
    expect(row?.secretHash).toBe(encodeHexLowerCase(sha256(new TextEncoder().encode(secret))));
    const stored = JSON.stringify(await db.select().from(sessions));
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(token);

    // Knowing the stored row is not enough: the hash presented as a secret does not validate.
    expect(await validateSessionToken(db, clock, `${id}.${row?.secretHash}`)).toBeNull();
    expect((await validateSessionToken(db, clock, token))?.user.id).toBe(user.id);
  });

  it("rejects tampered, malformed and unknown tokens", async () => {
    const { db, clock } = await setup();
    const user = await insertUser(db, "customer");
    const { token } = await createSession(db, clock, user.id);
    const [id, secret] = token.split(".") as [string, string];
    const flipped = secret.slice(0, -1) + (secret.endsWith("a") ? "b" : "a");

    for (const bad of [
      `${id}.${flipped}`,
      id,
      `${id}.${secret}.x`,
      "",
      "a.b",
      `${"a".repeat(32)}.${secret}`,
    ]) {
      expect(await validateSessionToken(db, clock, bad)).toBeNull();
    }
  });

  it("slides the expiry forward only once less than half the lifetime remains", async () => {
    const { db, clock } = await setup();
    const user = await insertUser(db, "customer");
    const { token, session } = await createSession(db, clock, user.id);
    expect(session.expiresAt.getTime()).toBe(clock.now().getTime() + SESSION_TTL_MS);

    clock.advance(10 * DAY);
    const early = await validateSessionToken(db, clock, token);
    expect(early?.renewed).toBe(false);
    expect(early?.session.expiresAt).toEqual(session.expiresAt);

    clock.advance(6 * DAY); // 16 days in: 14 left, under half
    const late = await validateSessionToken(db, clock, token);
    expect(late?.renewed).toBe(true);
    expect(late?.session.expiresAt.getTime()).toBe(clock.now().getTime() + SESSION_TTL_MS);
    expect((await db.select().from(sessions).get())?.expiresAt).toEqual(late?.session.expiresAt);
  });

  it("rejects and deletes an expired session", async () => {
    const { db, clock } = await setup();
    const user = await insertUser(db, "customer");
    const { token } = await createSession(db, clock, user.id);
    clock.advance(SESSION_TTL_MS);
    expect(await validateSessionToken(db, clock, token)).toBeNull();
    expect(await db.select().from(sessions)).toHaveLength(0);
  });

  it("stops working as soon as the user is disabled", async () => {
    const { db, clock } = await setup();
    const user = await insertUser(db, "support");
    const { token } = await createSession(db, clock, user.id);
    await db.update(users).set({ disabled: true }).where(eq(users.id, user.id));
    expect(await validateSessionToken(db, clock, token)).toBeNull();
  });

  it("ends every session of one user and no one else's", async () => {
    const { db, clock } = await setup();
    const a = await insertUser(db, "customer");
    const b = await insertUser(db, "customer");
    const a1 = (await createSession(db, clock, a.id)).token;
    const a2 = (await createSession(db, clock, a.id)).token;
    const b1 = (await createSession(db, clock, b.id)).token;
    expect(await invalidateUserSessions(db, a.id)).toBe(2);
    expect(await validateSessionToken(db, clock, a1)).toBeNull();
    expect(await validateSessionToken(db, clock, a2)).toBeNull();
    expect((await validateSessionToken(db, clock, b1))?.user.id).toBe(b.id);
  });

  it("sweeps only expired sessions", async () => {
    const { db, clock } = await setup();
    const user = await insertUser(db, "customer");
    await createSession(db, clock, user.id);
    clock.advance(20 * DAY);
    const fresh = (await createSession(db, clock, user.id)).token;
    clock.advance(10 * DAY);
    expect(await deleteExpiredSessions(db, clock)).toBe(1);
    expect(await validateSessionToken(db, clock, fresh)).not.toBeNull();
  });
});

describe("sessions across instances", () => {
  it("a session made through one connection works through another on the same database", async () => {
    const { db: first, config } = await createTestDb({ file: true });
    const second = await createDb(config);
    try {
      const clock = manualClock(Date.UTC(2026, 0, 1));
      const user = await insertUser(first, "support");
      const { token } = await createSession(first, clock, user.id);
      expect((await validateSessionToken(second, clock, token))?.user.id).toBe(user.id);
      // Ending it on the second instance ends it for the first too.
      expect(await invalidateUserSessions(second, user.id)).toBe(1);
      expect(await validateSessionToken(first, clock, token)).toBeNull();
    } finally {
      await closeDb(second);
    }
  });
});
