import type { Db } from "@folio/db";
import { smtpMailer, startMailCatcher, type MailServices } from "@folio/email";
import type { FastifyBaseLogger } from "fastify";
import type { Env } from "./env.ts";
import { redactUrl } from "./env.ts";

export interface MailRuntime {
  services: MailServices;
  /** "smtp" sends through SMTP_URL; "catcher" keeps every e-mail in the Sent mail page. */
  mode: "smtp" | "catcher";
  close(): Promise<void>;
}

/**
 * Where e-mail jobs send: the merchant's SMTP server, or — with no SMTP_URL (demo mode, tests, a
 * fresh install) — the built-in catcher on a free loopback port, which stores each message for
 * the admin Sent mail page and delivers nothing.
 */
export async function startMail(env: Env, db: Db, log: FastifyBaseLogger): Promise<MailRuntime> {
  if (env.SMTP_URL) {
    const mailer = smtpMailer({ url: env.SMTP_URL, from: env.MAIL_FROM });
    log.info(`e-mail goes out through ${redactUrl(env.SMTP_URL)}`);
    return {
      services: { mailer, appUrl: env.APP_URL },
      mode: "smtp",
      close: () => Promise.resolve(mailer.close()),
    };
  }
  const catcher = await startMailCatcher({ db, log });
  const mailer = smtpMailer({ url: catcher.url, from: env.MAIL_FROM });
  if (env.STRIPE_SECRET_KEY) {
    log.warn(
      "SMTP_URL is not set, so no e-mail reaches anyone: Folio keeps them on the admin Sent mail page. Set SMTP_URL to send them.",
    );
  }
  return {
    services: { mailer, appUrl: env.APP_URL },
    mode: "catcher",
    close: async () => {
      mailer.close();
      await catcher.close();
    },
  };
}
