// The server runs TypeScript through tsx, which applies a tsconfig (and its "jsx" option) only to
// the files that tsconfig includes; these pragmas make the automatic JSX runtime hold anywhere.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
import type { Brand, Format } from "../brand.ts";
import { Action, Facts, Layout, Paragraph } from "./layout.tsx";
import { greeting } from "./orders.tsx";

const subscriberFooter = (brand: Brand) =>
  `You get this e-mail because you have a subscription with ${brand.name}.`;

export interface PaymentFailedProps {
  customerName: string | null;
  amount: number;
  currency: string;
  /** When Stripe tries the card again, if it will. */
  nextAttemptAt: Date | null;
  /** The portal page where the customer updates their card and pays. */
  fixUrl: string;
}

export function PaymentFailed({
  brand,
  format,
  ...p
}: PaymentFailedProps & { brand: Brand; format: Format }) {
  const amount = format.money(p.amount, p.currency);
  return (
    <Layout
      brand={brand}
      preview={`We could not charge ${amount}`}
      heading="Your payment did not go through"
      footer={subscriberFooter(brand)}
    >
      <Paragraph>{greeting(p.customerName)}</Paragraph>
      <Paragraph>
        We tried to charge {amount} for your subscription, but your card was declined.
        {p.nextAttemptAt ? ` We will try again on ${format.date(p.nextAttemptAt)}.` : ""}
      </Paragraph>
      <Paragraph>Update your card to keep your subscription active.</Paragraph>
      <Action brand={brand} href={p.fixUrl}>
        Update your card
      </Action>
    </Layout>
  );
}

export interface TrialEndingProps {
  customerName: string | null;
  planName: string;
  trialEndsAt: Date;
  /** What the first charge will be, when known. */
  amount: number | null;
  currency: string;
  billingUrl: string;
}

export function TrialEnding({
  brand,
  format,
  ...p
}: TrialEndingProps & { brand: Brand; format: Format }) {
  return (
    <Layout
      brand={brand}
      preview={`Your ${p.planName} trial ends on ${format.date(p.trialEndsAt)}`}
      heading="Your trial ends soon"
      footer={subscriberFooter(brand)}
    >
      <Paragraph>{greeting(p.customerName)}</Paragraph>
      <Paragraph>
        Your free trial of {p.planName} ends on {format.date(p.trialEndsAt)}.
        {p.amount !== null
          ? ` After that we charge ${format.money(p.amount, p.currency)} to the card on file.`
          : ""}
      </Paragraph>
      <Action brand={brand} href={p.billingUrl}>
        Review your plan
      </Action>
    </Layout>
  );
}

export interface SubscriptionChangedProps {
  customerName: string | null;
  change: "changed" | "cancel_scheduled" | "canceled";
  planName: string;
  /** When the change takes (took) effect. */
  effectiveAt: Date;
  billingUrl: string;
}

const CHANGE_TEXT = {
  changed: { heading: "Your subscription changed", verb: "is now" },
  cancel_scheduled: { heading: "Your subscription will end", verb: "ends" },
  canceled: { heading: "Your subscription has ended", verb: "ended" },
} as const;

export function SubscriptionChanged({
  brand,
  format,
  ...p
}: SubscriptionChangedProps & { brand: Brand; format: Format }) {
  const text = CHANGE_TEXT[p.change];
  const when = format.date(p.effectiveAt);
  return (
    <Layout
      brand={brand}
      preview={`${text.heading}: ${p.planName}, ${when}`}
      heading={text.heading}
      footer={subscriberFooter(brand)}
    >
      <Paragraph>{greeting(p.customerName)}</Paragraph>
      <Paragraph>
        {p.change === "changed"
          ? `Your subscription is now on ${p.planName}, effective ${when}.`
          : p.change === "cancel_scheduled"
            ? `Your ${p.planName} subscription is cancelled and ends on ${when}. You keep access until then, and can resume it before that date.`
            : `Your ${p.planName} subscription ended on ${when}.`}
      </Paragraph>
      <Action brand={brand} href={p.billingUrl}>
        {p.change === "canceled" ? "Subscribe again" : "Manage your subscription"}
      </Action>
    </Layout>
  );
}

export interface CreditGrantedProps {
  customerName: string | null;
  amount: number;
  currency: string;
  /** The customer's credit balance after the grant. */
  balance: number;
  reason: string | null;
  billingUrl: string;
}

export function CreditGranted({
  brand,
  format,
  ...p
}: CreditGrantedProps & { brand: Brand; format: Format }) {
  const amount = format.money(p.amount, p.currency);
  return (
    <Layout
      brand={brand}
      preview={`${amount} of credit added to your account`}
      heading="You received account credit"
      footer={subscriberFooter(brand)}
    >
      <Paragraph>{greeting(p.customerName)}</Paragraph>
      <Paragraph>
        We added {amount} of credit to your account{p.reason ? `: ${p.reason}` : "."} It is used on
        your next invoices before your card is charged.
      </Paragraph>
      <Facts rows={[["Credit balance", format.money(p.balance, p.currency)]]} />
      <Action brand={brand} href={p.billingUrl}>
        See your balance
      </Action>
    </Layout>
  );
}
