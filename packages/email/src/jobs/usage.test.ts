import {
  addUsageCustomer,
  grantCredits,
  manualClock,
  recordUsage,
  seedUsageCatalog,
  startJobWorker,
  subscribeInMirror,
} from "@folio/billing";
import { closeDb, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OutgoingEmail } from "../mailer.ts";
import { emailJobs, type EmailJobContext } from "./index.ts";

// Usage alerts from the draw-down to the outbox: the usage that crosses enqueues, the worker
// renders and sends to the customer with a link to the portal's Usage page.

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const start = new Date(Date.UTC(2026, 2, 10));
const admin = { type: "staff", userId: "usr_admin", role: "admin" } as const;

let db: Db;
let clock: ReturnType<typeof manualClock>;
let sent: OutgoingEmail[];
let id: string;
let n = 0;

beforeEach(async () => {
  db = await createTestDb();
  clock = manualClock(start.getTime() + 86_400_000);
  sent = [];
  await seedUsageCatalog(db, clock);
  id = await addUsageCustomer(db, clock);
});
afterEach(() => closeDb(db));

const use = (quantity: number) =>
  recordUsage({ db, clock }, [
    { customer: id, meter: "tokens", quantity, idempotencyKey: `k${++n}` },
  ]);
const grant = (units: number) =>
  grantCredits(
    { db, clock, actor: admin },
    { attemptId: crypto.randomUUID(), userId: id, units, reason: "test credits" },
  );

async function runJobs() {
  const ctx: EmailJobContext = {
    db,
    clock,
    log: silent,
    stripe: null,
    mail: {
      mailer: {
        send: (m) => {
          sent.push(m);
          return Promise.resolve();
        },
        close: () => undefined,
      },
      appUrl: "http://folio.test",
    },
  };
  const worker = startJobWorker(ctx, emailJobs, { autoStart: false });
  const result = await worker.drain();
  await worker.stop();
  return result;
}

describe("usage alert e-mails", () => {
  it("low balance: one e-mail with the balance and a link to buy credits", async () => {
    await grant(100);
    await use(85);
    await use(3);
    expect(await runJobs()).toMatchObject({ succeeded: 1, failed: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: `${id}@example.test`, subject: "Folio: 12 credits left" });
    expect(sent[0]!.text).toContain("fell below 20 credits");
    expect(sent[0]!.html).toContain('href="http://folio.test/billing/usage"');
  });

  it("low balance: nothing is sent when the customer topped up before the job ran", async () => {
    await grant(100);
    await use(90);
    await grant(50);
    expect(await runJobs()).toMatchObject({ succeeded: 1 });
    expect(sent).toEqual([]);
  });

  it("limit reached: names the meter and the day the allowance renews", async () => {
    await subscribeInMirror(db, id, "blocked", start);
    await use(10);
    expect(await runJobs()).toMatchObject({ succeeded: 1, failed: 0 });
    expect(sent.map((m) => m.subject)).toEqual(["Folio: you reached your Tokens limit"]);
    expect(sent[0]!.text).toContain("April 10, 2026");
    expect(sent[0]!.html).toContain('href="http://folio.test/billing/usage"');
  });
});
