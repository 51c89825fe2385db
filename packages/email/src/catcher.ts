import { caughtMail, type Db } from "@folio/db";
import { simpleParser, type AddressObject } from "mailparser";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** Largest message the catcher keeps (demo e-mails are a few tens of KB). */
const MAX_MESSAGE_BYTES = 5 * 1024 * 1024;

export interface MailCatcher {
  /** smtp://127.0.0.1:<port>, for the mailer. */
  url: string;
  close(): Promise<void>;
}

interface CatcherLog {
  warn(obj: object, msg: string): void;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.map((a) => a.text).join(", ");
}

/**
 * Demo mode's mailbox: an SMTP server on loopback (a free port the OS picks) that accepts every
 * message and stores it in `caught_mail`, where the admin "Sent mail" page reads it. It never
 * relays anything anywhere.
 */
export async function startMailCatcher({
  db,
  now = () => new Date(),
  log,
}: {
  db: Db;
  now?: () => Date;
  log?: CatcherLog;
}): Promise<MailCatcher> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    banner: "Folio mail catcher",
    // On shutdown, connections still open are cut after a second instead of smtp-server's 30 s
    // (the server's close waits for this).
    closeTimeout: 1_000,
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          const raw = mail.headerLines.map((h): [string, string] => {
            const colon = h.line.indexOf(":");
            return [h.key, colon >= 0 ? h.line.slice(colon + 1).trim() : h.line];
          });
          await db.insert(caughtMail).values({
            id: crypto.randomUUID(),
            messageId: mail.messageId ?? null,
            fromAddress: addresses(mail.from),
            toAddresses: session.envelope.rcptTo.map((r) => r.address).join(", "),
            subject: mail.subject ?? "",
            html: typeof mail.html === "string" ? mail.html : null,
            text: mail.text ?? null,
            headers: raw,
            size: raw.reduce((n, [k, v]) => n + k.length + v.length, 0) + (mail.text?.length ?? 0),
            receivedAt: now(),
          });
          callback();
        })
        .catch((err: unknown) => {
          // The sender sees a 4xx-like failure and its job retries; nothing is lost.
          log?.warn({ err }, "the mail catcher could not store a message");
          callback(err instanceof Error ? err : new Error(String(err)));
        });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
