import { createTestDb } from "@folio/db/testing";
import { createServer, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startMailCatcher, type MailCatcher } from "./catcher.ts";
import { smtpMailer } from "./mailer.ts";
import { caughtMailById, listCaughtMail } from "./sent-mail.ts";

const email = {
  subject: "Reset your Acme password",
  html: '<p>Open <a href="http://x.test/reset?token=abc">this</a></p>',
  text: "Open http://x.test/reset?token=abc",
  messageId: "<job-123@folio>",
};

let catcher: MailCatcher | undefined;
afterEach(async () => {
  await catcher?.close();
  catcher = undefined;
});

describe("mail catcher", () => {
  it("stores what the mailer sends, with bodies and headers, newest first", async () => {
    const db = await createTestDb();
    catcher = await startMailCatcher({ db });
    expect(catcher.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    const mailer = smtpMailer({ url: catcher.url, from: "Acme <billing@acme.test>" });
    await mailer.send({ ...email, to: "ada@example.test" });
    await mailer.send({ ...email, to: "grace_h@example.test", subject: "Second" });
    mailer.close();

    const page = await listCaughtMail(db, { limit: 10 });
    expect(page.items.map((m) => m.toAddresses).sort()).toEqual([
      "ada@example.test",
      "grace_h@example.test",
    ]);
    const only = await listCaughtMail(db, { limit: 10, to: "h@ex" });
    expect(only.items.map((m) => m.subject)).toEqual(["Second"]);
    // LIKE wildcards in the filter are literal.
    expect((await listCaughtMail(db, { limit: 10, to: "a%a" })).items).toEqual([]);

    const first = page.items.find((m) => m.toAddresses === "ada@example.test")!;
    const full = await caughtMailById(db, first.id);
    expect(full?.fromAddress).toContain("billing@acme.test");
    expect(full?.subject).toBe(email.subject);
    expect(full?.html).toContain('href="http://x.test/reset?token=abc"');
    expect(full?.text).toContain("http://x.test/reset?token=abc");
    expect(full?.messageId).toBe("<job-123@folio>");
    expect(full?.headers.find(([k]) => k === "subject")?.[1]).toBe(email.subject);
  });

  it("paginates with a cursor", async () => {
    const db = await createTestDb();
    catcher = await startMailCatcher({ db });
    const mailer = smtpMailer({ url: catcher.url, from: "billing@acme.test" });
    for (const n of [1, 2, 3]) await mailer.send({ ...email, to: `c${n}@example.test` });
    mailer.close();
    const one = await listCaughtMail(db, { limit: 2 });
    expect(one.items).toHaveLength(2);
    const two = await listCaughtMail(db, { limit: 2, cursor: one.nextCursor! });
    expect(two.items).toHaveLength(1);
    expect(two.nextCursor).toBeNull();
  });
});

describe("smtp mailer", () => {
  it("rejects when the SMTP server is down, so the job fails and retries", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const mailer = smtpMailer({ url: `smtp://127.0.0.1:${port}`, from: "billing@acme.test" });
    await expect(mailer.send({ ...email, to: "ada@example.test" })).rejects.toThrow(/ECONNREFUSED/);
    mailer.close();
  });
});
