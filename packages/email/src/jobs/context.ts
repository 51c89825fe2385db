import { createHash } from "node:crypto";
import {
  EMAIL_PAYLOADS,
  defineJob,
  emailJobKind,
  getSetting,
  type EmailKind,
  type EmailPayload,
  type JobContext,
  type JobRun,
} from "@folio/billing";
import { billingCustomers, stripeCustomers, users, type Db } from "@folio/db";
import { eq } from "drizzle-orm";
import type { ZodType } from "zod";
import type { Brand } from "../brand.ts";
import type { Mailer } from "../mailer.ts";
import { renderEmail, type TemplateName, type TemplateProps } from "../render.ts";

/** What the server wires for e-mail jobs: where to send, and the origin links point at. */
export interface MailServices {
  mailer: Mailer;
  appUrl: string;
}

export type EmailJobContext = JobContext & { mail: MailServices };

/** SMTP trouble clears up within hours; keep trying for about two days before dead-lettering. */
const EMAIL_RETRY = { maxAttempts: 12, baseDelayMs: 30_000, maxDelayMs: 4 * 3600_000 };

export function emailJob<K extends EmailKind>(
  kind: K,
  run: (ctx: EmailJobContext, payload: EmailPayload<K>, job: JobRun) => Promise<void>,
) {
  return defineJob<EmailPayload<K>, EmailJobContext>({
    kind: emailJobKind(kind),
    // Each kind's schema parses to its payload; TypeScript cannot follow that through K.
    payload: EMAIL_PAYLOADS[kind] as unknown as ZodType<EmailPayload<K>>,
    retry: EMAIL_RETRY,
    timeoutMs: 60_000,
    run,
  });
}

export async function brandFor(ctx: EmailJobContext): Promise<Brand> {
  const branding = await getSetting(ctx.db, "email.branding");
  return { ...branding, appUrl: ctx.mail.appUrl };
}

/** Renders `template` and hands it to the SMTP server; throwing fails the attempt (retried). */
export async function sendTemplate<K extends TemplateName>(
  ctx: EmailJobContext,
  job: JobRun,
  to: string,
  template: K,
  props: TemplateProps[K],
  brand?: Brand,
): Promise<void> {
  const rendered = await renderEmail(template, props, brand ?? (await brandFor(ctx)));
  // One Message-ID per job: a resend after a lost acknowledgement is recognisably the same mail.
  const digest = createHash("sha256").update(job.key).digest("hex").slice(0, 32);
  await ctx.mail.mailer.send({ ...rendered, to, messageId: `<${digest}@folio>` });
  // Routine: the job row records it too; at debug like every routine success (LOG_LEVEL).
  ctx.log.debug?.({ job: job.id, template, to }, "e-mail sent");
}

export interface Recipient {
  email: string;
  name: string | null;
}

/** The Folio user linked to a Stripe customer, else the customer's own e-mail; null if neither. */
export async function recipientForCustomer(db: Db, customerId: string): Promise<Recipient | null> {
  const user = await db
    .select({ email: users.email, name: users.name })
    .from(billingCustomers)
    .innerJoin(users, eq(users.id, billingCustomers.userId))
    .where(eq(billingCustomers.stripeCustomerId, customerId))
    .get();
  if (user) return user;
  const customer = await db
    .select({ email: stripeCustomers.email, name: stripeCustomers.name })
    .from(stripeCustomers)
    .where(eq(stripeCustomers.id, customerId))
    .get();
  return customer?.email ? { email: customer.email, name: customer.name } : null;
}

export async function userById(db: Db, id: string) {
  return (
    (await db
      .select({ id: users.id, email: users.email, name: users.name, disabled: users.disabled })
      .from(users)
      .where(eq(users.id, id))
      .get()) ?? null
  );
}

export function link(ctx: EmailJobContext, path: string): string {
  return new URL(path, ctx.mail.appUrl).toString();
}
