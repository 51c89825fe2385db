import type Stripe from "stripe";
import type { Ctx } from "../core/types.ts";
import { idOf, mustGet } from "../core/util.ts";
import { cancelPaymentIntent } from "../services/payments/intents.ts";

/**
 * A Checkout Session as stored: the session object, the emulator-only state beside it
 * (line items, what the hosted page collected), and its expiry.
 */

export type Session = Stripe.Checkout.Session;
type LineItem = Stripe.LineItem;

/** Emulator-only state of a session: its line items and what the hosted page collected. */
export interface SessionPrivate {
  lineItems: LineItem[];
  /** Promotion code entered on the hosted page (when `allow_promotion_codes`). */
  promotionCode: string | null;
  /** A submitted form waiting for the customer's 3-D Secure decision. */
  pendingAuth: PendingAuth | null;
  /** Shown once on the next page view after a failed authentication (flash message). */
  flash: { error: string; form: Record<string, string> } | null;
  trialPeriodDays: number | null;
  trialEnd: number | null;
  subscriptionMetadata: Record<string, string>;
  subscriptionDescription: string | null;
  paymentIntentData: {
    metadata: Record<string, string>;
    description: string | null;
    receipt_email: string | null;
    setup_future_usage: "off_session" | "on_session" | null;
    capture_method: "automatic" | "automatic_async" | "manual" | null;
    statement_descriptor: string | null;
    statement_descriptor_suffix: string | null;
  };
  setupIntentData: { metadata: Record<string, string>; description: string | null };
  /** What an existing customer takes over from the session on completion. */
  customerUpdate: {
    address: "auto" | "never";
    name: "auto" | "never";
    shipping: "auto" | "never";
  };
}

export interface PendingAuth {
  /** The form fields as submitted (card number included: this never leaves the store). */
  form: Record<string, string>;
  /** Payment or setup intent waiting for authentication, when one was created. */
  intent: string | null;
  /** Subscription mode: the first invoice, paid once the customer authenticates. */
  invoice: string | null;
}

const privateKey = (id: string) => `checkout_session:${id}`;

export function getSessionPrivate(ctx: Ctx, id: string): SessionPrivate {
  const data = ctx.store.getPrivate<SessionPrivate>(privateKey(id));
  if (!data) throw new Error(`checkout session ${id} has no private state`);
  return data;
}

export function setSessionPrivate(ctx: Ctx, id: string, data: SessionPrivate): void {
  ctx.store.setPrivate(privateKey(id), data);
}

export function getSession(ctx: Ctx, id: string, param = "session"): Session {
  return mustGet<Session>(ctx, "checkout.session", id, param, "checkout session");
}

/** Where the customer goes after completing: `success_url` with the session id filled in. */
export function successRedirect(ctx: Ctx, session: Session): string {
  if (!session.success_url) return `${ctx.baseUrl}/c/pay/${session.id}`;
  return session.success_url.replace(/\{CHECKOUT_SESSION_ID\}/g, session.id);
}

/** The hosted 3-D Secure challenge of a session. */
export function authRedirect(ctx: Ctx, session: Session): string {
  return `${ctx.baseUrl}/c/auth/${session.id}`;
}

/** open → expired, emitting `checkout.session.expired` (the API call and the job). */
export function expireSession(ctx: Ctx, session: Session): Session {
  // An attempt left unfinished (declined 3-D Secure, abandoned challenge) is canceled.
  const piId = idOf(session.payment_intent);
  const pi = piId ? ctx.store.getTyped<Stripe.PaymentIntent>("payment_intent", piId) : null;
  if (
    pi &&
    ["requires_payment_method", "requires_action", "requires_confirmation"].includes(pi.status)
  ) {
    cancelPaymentIntent(ctx, pi, "abandoned");
  }
  const next: Session = { ...session, status: "expired", url: null };
  ctx.store.update(next);
  const priv = ctx.store.getPrivate<SessionPrivate>(privateKey(session.id));
  if (priv?.pendingAuth) setSessionPrivate(ctx, session.id, { ...priv, pendingAuth: null });
  ctx.unschedule(`checkout_session.expire:${session.id}`);
  ctx.emit("checkout.session.expired", next);
  return next;
}

const UNFINISHED: readonly Stripe.PaymentIntent.Status[] = [
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
];

/**
 * The session's payment intent while it can still be confirmed (after a decline or a failed
 * challenge): Stripe confirms the same intent on every attempt of a session.
 */
export function unfinishedIntent(ctx: Ctx, session: Session): Stripe.PaymentIntent | null {
  const id = idOf(session.payment_intent);
  const intent = id ? ctx.store.getTyped<Stripe.PaymentIntent>("payment_intent", id) : null;
  return intent && UNFINISHED.includes(intent.status) ? intent : null;
}
