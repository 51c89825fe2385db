import { startJobWorker } from "@folio/billing";
import { caughtMail, jobs, sessions, type Db } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import {
  emailJobs,
  smtpMailer,
  startMailCatcher,
  type EmailJobContext,
  type MailCatcher,
} from "@folio/email";
import { createServer, type AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { codeOf, insertUser, setup, TEST_PASSWORD } from "./test/helpers.ts";

// Password reset and staff invitations end to end below HTTP: the procedure enqueues, the job
// worker renders and sends into the mail catcher, the link read back from the caught e-mail works.

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const NEW_PASSWORD = "a much better passphrase";
let t: Awaited<ReturnType<typeof setup>>;
let catcher: MailCatcher;

beforeEach(async () => {
  t = await setup();
  catcher = await startMailCatcher({ db: t.db });
});
afterEach(async () => {
  await catcher.close();
});
afterAll(async () => {
  await dropTestDatabases();
});

async function runJobs(db: Db, smtpUrl = catcher.url) {
  const mailer = smtpMailer({ url: smtpUrl, from: "Folio <billing@folio.test>" });
  const ctx: EmailJobContext = {
    db,
    clock: t.clock,
    log: silent,
    stripe: null,
    mail: { mailer, appUrl: "http://folio.test" },
  };
  const worker = startJobWorker(ctx, emailJobs, { autoStart: false });
  const result = await worker.drain();
  await worker.stop();
  mailer.close();
  return result;
}

async function mailTo(address: string) {
  return t.db.select().from(caughtMail).where(eq(caughtMail.toAddresses, address));
}

function linkIn(text: string | null, path: string): string {
  const match = text?.match(new RegExp(`http://folio\\.test${path}\\?token=([A-Za-z0-9_-]+)`));
  if (!match?.[1]) throw new Error(`no ${path} link in ${text}`);
  return match[1];
}

describe("password reset", () => {
  it("mails a link that sets the password once and signs every session out; unknown addresses get the same answer", async () => {
    const user = await insertUser(t.db, "customer", { email: "ada@example.test", name: "Ada" });
    await t.db.insert(sessions).values({
      id: "other-device",
      secretHash: "00",
      userId: user.id,
      createdAt: t.clock.now(),
      expiresAt: new Date(t.clock.now().getTime() + 86_400_000),
    });
    const anon = t.caller(null, { ip: "203.0.113.5" });
    expect(await anon.auth.requestPasswordReset({ email: "ada@example.test" })).toEqual({
      ok: true,
    });
    expect(await anon.auth.requestPasswordReset({ email: "ghost@example.test" })).toEqual({
      ok: true,
    });
    expect(await runJobs(t.db)).toMatchObject({ succeeded: 1, failed: 0 });

    const [mail] = await mailTo("ada@example.test");
    expect(mail?.subject).toBe("Reset your Folio password");
    expect(await mailTo("ghost@example.test")).toEqual([]);
    const token = linkIn(mail!.text, "/reset-password");

    expect(await anon.auth.resetPassword({ token, password: NEW_PASSWORD })).toEqual({
      ok: true,
      sessionsEnded: 1,
    });
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    expect(
      await codeOf(anon.auth.signIn({ email: "ada@example.test", password: TEST_PASSWORD })),
    ).toBe("UNAUTHORIZED");
    await anon.auth.signIn({ email: "ada@example.test", password: NEW_PASSWORD });
    expect(await codeOf(anon.auth.resetPassword({ token, password: NEW_PASSWORD }))).toBe(
      "BAD_REQUEST",
    );
  });

  it("refuses bad input with 400 and throttles per address and per account", async () => {
    await insertUser(t.db, "customer", { email: "bo@example.test" });
    const anon = t.caller(null, { ip: "203.0.113.6" });
    expect(await codeOf(anon.auth.requestPasswordReset({ email: "not an address" }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(anon.auth.resetPassword({ token: "", password: NEW_PASSWORD }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(anon.auth.resetPassword({ token: "x", password: "short" }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(anon.auth.resetPassword({ token: "forged", password: NEW_PASSWORD }))).toBe(
      "BAD_REQUEST",
    );
    // Per account: three e-mails an hour, then the same answer and no e-mail.
    for (let i = 0; i < 5; i++) {
      const from = t.caller(null, { ip: `198.51.100.${i}` });
      expect(await from.auth.requestPasswordReset({ email: "bo@example.test" })).toEqual({
        ok: true,
      });
    }
    expect(await t.db.select().from(jobs)).toHaveLength(3);
    // Per address: five requests an hour, then 429.
    for (let i = 0; i < 5; i++)
      await anon.auth.requestPasswordReset({ email: `x${i}@example.test` });
    expect(await codeOf(anon.auth.requestPasswordReset({ email: "y@example.test" }))).toBe(
      "TOO_MANY_REQUESTS",
    );
  });

  it("SMTP down: the e-mail job fails and is retried later, nothing is lost", async () => {
    await insertUser(t.db, "customer", { email: "cy@example.test" });
    await t.caller().auth.requestPasswordReset({ email: "cy@example.test" });
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));

    expect(await runJobs(t.db, `smtp://127.0.0.1:${port}`)).toMatchObject({
      succeeded: 0,
      failed: 1,
    });
    const [job] = await t.db.select().from(jobs);
    expect(job).toMatchObject({ status: "queued", attempts: 1 });
    expect(job!.lastError).toMatch(/ECONNREFUSED/);

    t.clock.advance(10 * 60_000);
    expect(await runJobs(t.db)).toMatchObject({ succeeded: 1 });
    expect(await mailTo("cy@example.test")).toHaveLength(1);
  });
});

describe("staff invitations", () => {
  it("an admin invites by e-mail; the link creates the account, signs it in, and works once", async () => {
    const admin = await insertUser(t.db, "admin", { name: "Grace Admin" });
    const support = await insertUser(t.db, "support");
    const asAdmin = t.caller(admin);
    expect(
      await codeOf(
        t
          .caller(support)
          .admin.staff.invite({ email: "x@example.test", name: "X", role: "support" }),
      ),
    ).toBe("FORBIDDEN");
    await asAdmin.admin.staff.invite({
      email: "new@example.test",
      name: "Newt",
      role: "fulfillment",
    });
    expect(
      await codeOf(
        asAdmin.admin.staff.invite({ email: admin.email, name: "Dup", role: "support" }),
      ),
    ).toBe("CONFLICT");
    await runJobs(t.db);
    expect(await asAdmin.admin.staff.invitations()).toMatchObject([
      { email: "new@example.test", role: "fulfillment" },
    ]);

    const [mail] = await mailTo("new@example.test");
    expect(mail?.subject).toBe("Grace Admin invited you to Folio");
    const token = linkIn(mail!.text, "/accept-invitation");
    const anon = t.caller();
    expect(await anon.auth.invitation({ token })).toEqual({
      email: "new@example.test",
      name: "Newt",
      role: "fulfillment",
    });
    const me = await anon.auth.acceptInvitation({ token, password: NEW_PASSWORD });
    expect(me.user).toMatchObject({ email: "new@example.test", role: "fulfillment" });
    expect(me.permissions).toContain("orders.fulfill");
    expect(await codeOf(anon.auth.acceptInvitation({ token, password: NEW_PASSWORD }))).toBe(
      "BAD_REQUEST",
    );
    expect(await asAdmin.admin.staff.invitations()).toEqual([]);
  });
});

describe("sent mail", () => {
  it("admins read what the catcher received; other staff may not", async () => {
    const admin = await insertUser(t.db, "admin");
    const support = await insertUser(t.db, "support");
    await insertUser(t.db, "customer", { email: "dee@example.test" });
    await t.caller().auth.requestPasswordReset({ email: "dee@example.test" });
    await runJobs(t.db);

    const page = await t.caller(admin).admin.mail.list({ to: "dee@" });
    expect(page.items).toMatchObject([
      { toAddresses: "dee@example.test", subject: "Reset your Folio password" },
    ]);
    const mail = await t.caller(admin).admin.mail.byId({ id: page.items[0]!.id });
    expect(mail.html).toContain("/reset-password?token=");
    expect(mail.headers.some(([name]) => name === "message-id")).toBe(true);
    expect(await codeOf(t.caller(admin).admin.mail.byId({ id: "nope" }))).toBe("NOT_FOUND");
    expect(await codeOf(t.caller(support).admin.mail.list({}))).toBe("FORBIDDEN");
  });
});
