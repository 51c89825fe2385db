import { render } from "@react-email/components";
import { createElement, type ComponentType } from "react";
import { formatterFor, type Brand, type Format } from "./brand.ts";
import {
  EmailChange,
  PasswordReset,
  StaffInvitation,
  type EmailChangeProps,
  type PasswordResetProps,
  type StaffInvitationProps,
} from "./templates/account.tsx";
import {
  CreditGranted,
  PaymentFailed,
  SubscriptionChanged,
  TrialEnding,
  type CreditGrantedProps,
  type PaymentFailedProps,
  type SubscriptionChangedProps,
  type TrialEndingProps,
} from "./templates/billing.tsx";
import {
  OrderConfirmation,
  OrderShipped,
  RefundIssued,
  type OrderConfirmationProps,
  type OrderShippedProps,
  type RefundIssuedProps,
} from "./templates/orders.tsx";
import {
  LowBalance,
  UsageLimitReached,
  units,
  type LowBalanceProps,
  type UsageLimitReachedProps,
} from "./templates/usage.tsx";

export interface TemplateProps {
  order_confirmation: OrderConfirmationProps;
  order_shipped: OrderShippedProps;
  refund_issued: RefundIssuedProps;
  payment_failed: PaymentFailedProps;
  trial_ending: TrialEndingProps;
  subscription_changed: SubscriptionChangedProps;
  credit_granted: CreditGrantedProps;
  low_balance: LowBalanceProps;
  usage_limit_reached: UsageLimitReachedProps;
  password_reset: PasswordResetProps;
  email_change: EmailChangeProps;
  staff_invitation: StaffInvitationProps;
}

export type TemplateName = keyof TemplateProps;

type Extra = { brand: Brand; format: Format };

interface Template<P> {
  subject(props: P, brand: Brand, format: Format): string;
  Component: ComponentType<P & Extra>;
}

const SUBJECT_CHANGE = {
  changed: "Your subscription changed",
  cancel_scheduled: "Your subscription is cancelled",
  canceled: "Your subscription has ended",
} as const;

const TEMPLATES: { [K in TemplateName]: Template<TemplateProps[K]> } = {
  order_confirmation: {
    subject: (p, b) => `${b.name}: order ${p.orderNumber} confirmed`,
    Component: OrderConfirmation,
  },
  order_shipped: {
    subject: (p, b) => `${b.name}: order ${p.orderNumber} has shipped`,
    Component: OrderShipped,
  },
  refund_issued: {
    subject: (p, b, f) => `${b.name}: ${f.money(p.amount, p.currency)} refunded`,
    Component: RefundIssued,
  },
  payment_failed: {
    subject: (p, b, f) => `${b.name}: your payment of ${f.money(p.amount, p.currency)} failed`,
    Component: PaymentFailed,
  },
  trial_ending: {
    subject: (p, b, f) => `${b.name}: your trial ends on ${f.date(p.trialEndsAt)}`,
    Component: TrialEnding,
  },
  subscription_changed: {
    subject: (p, b) => `${b.name}: ${SUBJECT_CHANGE[p.change].toLowerCase()}`,
    Component: SubscriptionChanged,
  },
  credit_granted: {
    subject: (p, b, f) => `${b.name}: ${f.money(p.amount, p.currency)} of credit added`,
    Component: CreditGranted,
  },
  low_balance: {
    subject: (p, b) =>
      p.balance === 0
        ? `${b.name}: you are out of credits`
        : `${b.name}: ${units(b, p.balance)} credits left`,
    Component: LowBalance,
  },
  usage_limit_reached: {
    subject: (p, b) => `${b.name}: you reached your ${p.meterName} limit`,
    Component: UsageLimitReached,
  },
  password_reset: {
    subject: (_p, b) => `Reset your ${b.name} password`,
    Component: PasswordReset,
  },
  email_change: {
    subject: (_p, b) => `Confirm your new ${b.name} e-mail address`,
    Component: EmailChange,
  },
  staff_invitation: {
    subject: (p, b) => `${p.invitedBy} invited you to ${b.name}`,
    Component: StaffInvitation,
  },
};

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Renders one e-mail to its subject, HTML and plain-text bodies. */
export async function renderEmail<K extends TemplateName>(
  name: K,
  props: TemplateProps[K],
  brand: Brand,
): Promise<RenderedEmail> {
  const template = TEMPLATES[name] as Template<TemplateProps[K]>;
  const format = formatterFor(brand);
  // The registry's type ties each name to its props; TypeScript cannot follow that through K.
  const Component = template.Component as ComponentType<Extra>;
  const element = createElement(Component, { ...(props as object), brand, format });
  const [html, text] = await Promise.all([
    render(element),
    // Label/value tables (Facts) as aligned columns; by default their cells run together.
    render(element, {
      plainText: true,
      htmlToTextOptions: { selectors: [{ selector: "table.facts", format: "dataTable" }] },
    }),
  ]);
  return { subject: template.subject(props, brand, format), html, text };
}
