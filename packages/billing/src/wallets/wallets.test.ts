import { auditLog, closeDb, jobs, walletEntries, walletLots, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { asc, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { scheduleNext } from "../jobs/schedule.ts";
import { startJobWorker } from "../jobs/worker.ts";
import { recordUsage } from "../usage/record.ts";
import { addUsageCustomer, seedUsageCatalog } from "../usage/testing.ts";
import { listWalletTransactions, walletBalance } from "./list.ts";
import { expireCreditsJob, expireWalletCredits } from "./packs.ts";
import { debitCredits, grantCredits } from "./staff.ts";

const DAY = 86_400_000;
const admin = { type: "staff", userId: "usr_admin", role: "admin" } as const;
const support = { type: "staff", userId: "usr_support", role: "support" } as const;

let db: Db;
let clock: ReturnType<typeof manualClock>;
let id: string;
beforeEach(async () => {
  db = await createTestDb();
  clock = manualClock(Date.UTC(2026, 5, 1));
  await seedUsageCatalog(db, clock);
  id = await addUsageCustomer(db, clock);
});
afterEach(() => closeDb(db));

const grant = (
  units: number,
  over: Record<string, unknown> = {},
  actor: typeof admin | typeof support = admin,
) =>
  grantCredits(
    { db, clock, actor },
    { attemptId: crypto.randomUUID(), userId: id, units, reason: "goodwill", ...over },
  );
const spend = (quantity: number, key: string) =>
  recordUsage({ db, clock }, [{ customer: id, meter: "tokens", quantity, idempotencyKey: key }]);

async function failure(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a DomainError");
}

describe("wallets", () => {
  it("grants and debits with a reason, once per attempt, audited, never below zero", async () => {
    const attemptId = crypto.randomUUID();
    await grant(50, { attemptId });
    await grant(50, { attemptId });
    expect((await walletBalance(db, id)).balance).toBe(50);
    const tooMuch = await failure(
      debitCredits(
        { db, clock, actor: admin },
        { attemptId: crypto.randomUUID(), userId: id, units: 51, reason: "oops" },
      ),
    );
    expect(tooMuch.code).toBe("PRECONDITION_FAILED");
    await debitCredits(
      { db, clock, actor: admin },
      { attemptId: crypto.randomUUID(), userId: id, units: 20, reason: "duplicate grant" },
    );
    expect((await walletBalance(db, id)).balance).toBe(30);
    const audits = await db.select().from(auditLog);
    expect(audits.map((a) => [a.action, a.reason])).toEqual([
      ["wallet.granted", "goodwill"],
      ["wallet.debited", "duplicate grant"],
    ]);
  });

  it("keeps support within its limit", async () => {
    expect((await failure(grant(1_001, {}, support))).code).toBe("FORBIDDEN");
    await grant(1_000, {}, support);
    expect((await walletBalance(db, id)).balance).toBe(1_000);
  });

  it("spends the soonest-expiring credits first and expires only what is left of a grant", async () => {
    await grant(10); // never expires
    await grant(5, { expiresAt: new Date(clock.now().getTime() + 7 * DAY) });
    await spend(8, "a"); // 5 from the expiring grant, 3 from the other
    clock.advance(8 * DAY);
    expect(await expireWalletCredits({ db, clock })).toBe(0);
    await grant(4, { expiresAt: new Date(clock.now().getTime() + DAY) });
    await spend(1, "b");
    clock.advance(2 * DAY);
    expect(await expireWalletCredits({ db, clock })).toBe(3);
    expect(await expireWalletCredits({ db, clock })).toBe(0);
    expect((await walletBalance(db, id)).balance).toBe(7);
    const page = await listWalletTransactions(db, { userId: id, limit: 10 });
    expect(page.items.map((t) => [t.type, t.units, t.balanceAfter])).toEqual([
      ["expiry", -3, 7],
      ["usage", -1, 10],
      ["grant", 4, 11],
      ["usage", -8, 7],
      ["grant", 5, 15],
      ["grant", 10, 10],
    ]);
  });

  it("pages the ledger by keyset and filters by type", async () => {
    for (let i = 0; i < 5; i++) {
      await grant(1);
      clock.advance(1000);
    }
    await spend(2, "s");
    const first = await listWalletTransactions(db, { limit: 3 });
    const second = await listWalletTransactions(db, { limit: 3, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((t) => t.type)).toEqual([
      "usage",
      "grant",
      "grant",
      "grant",
      "grant",
      "grant",
    ]);
    expect(second.nextCursor).toBeNull();
    expect((await listWalletTransactions(db, { type: "usage", limit: 10 })).items).toHaveLength(1);
  });

  it("refuses to change or delete a ledger entry", async () => {
    await grant(3);
    await expect(db.update(walletEntries).set({ units: 300 })).rejects.toThrow();
    await expect(db.delete(walletEntries).where(eq(walletEntries.userId, id))).rejects.toThrow();
  });
});

describe("scheduled expiry", () => {
  const silent = { warn: () => {}, error: () => {} };

  it("runs hourly on its own, expires every lot due, and mails the customer once the balance runs low", async () => {
    await grant(10); // never expires
    for (let i = 0; i < 3; i++) await grant(100, { expiresAt: new Date(Date.UTC(2026, 5, 2)) });
    await scheduleNext({ db, clock }, expireCreditsJob);
    const worker = startJobWorker({ db, clock, log: silent, stripe: null }, [expireCreditsJob], {
      autoStart: false,
    });
    clock.set(Date.UTC(2026, 5, 2, 0, 30));
    // (The e-mail job it enqueues is due at once too; e-mail jobs are @folio/email's, not here.)
    expect(await worker.drain()).toMatchObject({ succeeded: 1 });
    await worker.stop();

    expect((await walletBalance(db, id)).balance).toBe(10);
    const open = await db.select().from(walletLots).where(eq(walletLots.userId, id));
    expect(open.map((l) => l.remaining)).toEqual([10, 0, 0, 0]);
    const runs = await db
      .select()
      .from(jobs)
      .where(eq(jobs.kind, expireCreditsJob.kind))
      .orderBy(asc(jobs.runAt));
    expect(runs.map((j) => [j.status, j.runAt.toISOString()])).toEqual([
      ["succeeded", "2026-06-01T01:00:00.000Z"],
      ["queued", "2026-06-02T01:00:00.000Z"],
    ]);
    // The last 100 added: low below 20, crossed by the expiry that took the balance from 110 to 10.
    const mails = await db.select().from(jobs).where(eq(jobs.kind, "email.low_balance"));
    expect(mails.map((j) => j.payload)).toEqual([{ userId: id, balance: 10, threshold: 20 }]);
  });

  it("a staff debit that crosses the threshold mails too; one that stays above does not", async () => {
    await grant(100);
    const debit = (units: number) =>
      debitCredits(
        { db, clock, actor: admin },
        { attemptId: crypto.randomUUID(), userId: id, units, reason: "correction" },
      );
    await debit(80);
    await debit(5); // 15 left: crosses below 20
    await debit(5);
    const mails = await db.select().from(jobs).where(eq(jobs.kind, "email.low_balance"));
    expect(mails.map((j) => j.payload)).toEqual([{ userId: id, balance: 15, threshold: 20 }]);
  });
});
