import { createTransport } from "nodemailer";
import type { RenderedEmail } from "./render.ts";

export interface OutgoingEmail extends RenderedEmail {
  to: string;
  /**
   * Stable per cause (derived from the job key): a retry after a send whose answer was lost goes
   * out with the same Message-ID, so mail clients and the catcher can tell it is the same e-mail.
   */
  messageId: string;
}

export interface Mailer {
  /** Resolves once the SMTP server accepted the message; rejects (and the job retries) otherwise. */
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

/** Sends through the SMTP server at `url` (smtp://, smtps://; user and password in the URL). */
export function smtpMailer({ url, from }: { url: string; from: string }): Mailer {
  const transport = createTransport(url, { from });
  // Fail fast when the server is down instead of holding a job for nodemailer's 2 minutes.
  transport.options = { ...transport.options, connectionTimeout: 10_000, greetingTimeout: 10_000 };
  return {
    async send(email) {
      await transport.sendMail({
        to: email.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        messageId: email.messageId,
      });
    },
    close: () => transport.close(),
  };
}
