import type Stripe from "stripe";
import { invalidParam, invalidRequest, missingParam } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { clockOf } from "../../core/util.ts";
import { getCustomer } from "../../resources/customers.ts";
import { assertTaxLocation } from "../../tax/calculate.ts";
import { paymentMethodUsable } from "../payments.ts";
import { resolveDiscountParams, type DiscountParam } from "../discounts.ts";
import type { LineInput } from "../invoices/lines.ts";
import { recurringPrice, sameCadence, unitAmount, type ItemInput } from "./items.ts";
import { oneOffLines, type OneOffItem } from "./prorations.ts";
import type { PaymentBehavior } from "./state.ts";
import { checkAnchor, firstPeriod, trialEndFor, trialSettingsFor } from "./trial.ts";

export interface CreateSubscriptionInput {
  customer: string;
  items: ItemInput[];
  defaultPaymentMethod?: string | null | undefined;
  trialPeriodDays?: number | undefined;
  trialEnd?: number | "now" | undefined;
  trialFromPlan?: boolean | undefined;
  trialSettings?: Stripe.Subscription.TrialSettings | null | undefined;
  discounts?: DiscountParam[] | undefined;
  /** Shorthands for `discounts: [{ coupon }]` / `[{ promotion_code }]` (checkout uses these). */
  coupon?: string | undefined;
  promotionCode?: string | undefined;
  metadata?: Record<string, string> | null | undefined;
  description?: string | null | undefined;
  collectionMethod?: "charge_automatically" | "send_invoice" | undefined;
  daysUntilDue?: number | undefined;
  paymentBehavior?: PaymentBehavior | undefined;
  billingCycleAnchor?: number | undefined;
  prorationBehavior?: "create_prorations" | "none" | "always_invoice" | undefined;
  cancelAtPeriodEnd?: boolean | undefined;
  cancelAt?: number | undefined;
  /** Off-session first payment (no customer present to authenticate). */
  offSession?: boolean | undefined;
  /** Ignored: a subscription follows its customer's test clock. Checked for consistency. */
  testClock?: string | undefined;
  saveDefaultPaymentMethod?: "off" | "on_subscription" | undefined;
  /** One-off prices billed on the first invoice (`add_invoice_items`). */
  addInvoiceItems?: OneOffItem[] | undefined;
  paymentMethodTypes?: string[] | null | undefined;
  /** Where the 3DS page returns to when the first payment needs authentication. */
  returnUrl?: string | undefined;
  /** Prefix for params in error messages (`subscription_data` for checkout). */
  paramPrefix?: string | undefined;
  /** `billing_mode`: how prorations and metered usage are billed on changes. */
  billingMode?:
    | {
        type: "classic" | "flexible";
        flexible?: { proration_discounts?: "included" | "itemized" | undefined } | undefined;
      }
    | undefined;
  /** The subscription schedule creating this subscription (its `schedule` field). */
  schedule?: string | undefined;
  /** `automatic_tax[enabled]`: tax from the customer's location on every invoice. */
  automaticTax?: boolean | undefined;
  defaultTaxRates?: Stripe.TaxRate[] | undefined;
}

/** A create request checked whole, before anything is written, with what it resolved to. */
export interface CreatePlan {
  customer: Stripe.Customer;
  clockId: string | null;
  now: number;
  prices: Stripe.Price[];
  first: Stripe.Price;
  collection: "charge_automatically" | "send_invoice";
  pm: string | null;
  paymentBehavior: PaymentBehavior;
  trialEnd: number | null;
  trialSettings: Stripe.Subscription.TrialSettings;
  discounts: ReturnType<typeof resolveDiscountParams>;
  oneOff: LineInput[];
  /** The first full period's amount, before discounts. */
  firstAmount: number;
  anchor: number;
  period: { start: number; end: number };
}

type Param = (name: string) => string;

/** Items: 1–20 active recurring prices in one currency and cadence, none twice. */
function validatePrices(ctx: Ctx, input: CreateSubscriptionInput, P: Param): Stripe.Price[] {
  if (input.items.length === 0) throw missingParam(P("items"));
  if (input.items.length > 20)
    throw invalidParam(P("items"), "A subscription can have at most 20 items.");
  const prices = input.items.map((it, i) =>
    recurringPrice(ctx, it.price, `${P("items")}[${i}][price]`),
  );
  const first = prices[0] as Stripe.Price;
  prices.forEach((p, i) => {
    if (p.currency !== first.currency)
      throw invalidParam(
        `${P("items")}[${i}][price]`,
        "All prices on a subscription must have the same currency.",
      );
    if (!sameCadence(p, first))
      throw invalidParam(
        `${P("items")}[${i}][price]`,
        "All prices on a subscription must have the same recurring interval and interval_count.",
      );
  });
  const seen = new Set<string>();
  prices.forEach((p, i) => {
    if (seen.has(p.id))
      throw invalidParam(
        `${P("items")}[${i}][price]`,
        "Cannot add multiple subscription items with the same price.",
      );
    seen.add(p.id);
  });
  return prices;
}

/** collection_method, days_until_due, default_payment_method and payment_behavior agree. */
function validateCollection(
  ctx: Ctx,
  input: CreateSubscriptionInput,
  customer: Stripe.Customer,
  P: Param,
) {
  const collection = input.collectionMethod ?? "charge_automatically";
  if (collection === "send_invoice" && input.daysUntilDue === undefined)
    throw missingParam(P("days_until_due"));
  if (collection === "charge_automatically" && input.daysUntilDue !== undefined)
    throw invalidParam(
      P("days_until_due"),
      "days_until_due can only be set when collection_method is send_invoice.",
    );
  const pm = input.defaultPaymentMethod ?? null;
  if (pm && !paymentMethodUsable(ctx, pm, customer.id)) {
    throw invalidParam(
      P("default_payment_method"),
      `The customer does not have a payment method with the ID ${pm}. The payment method must be attached to the customer.`,
      "resource_missing",
    );
  }
  const paymentBehavior = input.paymentBehavior ?? "allow_incomplete";
  if (paymentBehavior === "pending_if_incomplete")
    throw invalidParam(
      P("payment_behavior"),
      "payment_behavior=pending_if_incomplete is only supported on updates.",
    );
  return { collection, pm, paymentBehavior };
}

/** Checks a create request in Stripe's order of errors; throws the first one found. */
export function validateCreate(ctx: Ctx, input: CreateSubscriptionInput): CreatePlan {
  const P = (name: string) => (input.paramPrefix ? `${input.paramPrefix}[${name}]` : name);
  const customer = getCustomer(ctx, input.customer, P("customer"));
  const clockId = clockOf(customer);
  if (input.testClock !== undefined && input.testClock !== clockId) {
    throw invalidParam(
      P("test_clock"),
      "The subscription must use the same test clock as its customer.",
    );
  }
  const now = ctx.clockNow(clockId);
  if (input.automaticTax) assertTaxLocation(customer, P("automatic_tax[enabled]"));
  const prices = validatePrices(ctx, input, P);
  const first = prices[0] as Stripe.Price;
  const { collection, pm, paymentBehavior } = validateCollection(ctx, input, customer, P);
  const trialEnd = trialEndFor(input, first, now, P);
  checkAnchor(input, first, trialEnd, now, P);
  if (input.cancelAt !== undefined && input.cancelAt <= now)
    throw invalidParam(P("cancel_at"), "cancel_at must be in the future.");
  const firstAmount = prices.reduce(
    (s, p, i) => s + unitAmount(p) * (input.items[i]?.quantity ?? 1),
    0,
  );
  const discounts = resolveDiscountParams(
    ctx,
    [
      ...(input.discounts ?? []),
      ...(input.coupon !== undefined ? [{ coupon: input.coupon }] : []),
      ...(input.promotionCode !== undefined ? [{ promotion_code: input.promotionCode }] : []),
    ],
    { customer: customer.id, amount: firstAmount, currency: first.currency, param: P("discounts") },
  );
  const oneOff = oneOffLines(
    ctx,
    input.addInvoiceItems ?? [],
    first.currency,
    P("add_invoice_items"),
  );
  input.items.forEach((it, i) => {
    if (it.quantity !== undefined && it.quantity < 0)
      throw invalidParam(`${P("items")}[${i}][quantity]`, "Quantity must be non-negative.");
  });
  const needsPaymentNow =
    trialEnd === null && collection === "charge_automatically" && firstAmount > 0;
  if (
    needsPaymentNow &&
    !pm &&
    !customer.invoice_settings?.default_payment_method &&
    paymentBehavior !== "default_incomplete"
  ) {
    throw invalidRequest(
      "This customer has no attached payment source or default payment method. Please consider adding a default payment method.",
      { code: "resource_missing" },
    );
  }
  const { anchor, period } = firstPeriod(input, first, trialEnd, now);
  const trialSettings = trialSettingsFor(input);
  // prettier-ignore
  return { customer, clockId, now, prices, first, collection, pm, paymentBehavior, trialEnd, trialSettings, discounts, oneOff, firstAmount, anchor, period };
}
