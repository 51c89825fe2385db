import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam, invalidRequest, missingParam } from "../core/errors.ts";
import { paginate } from "../core/list.ts";
import {
  applyMetadata,
  bool,
  currency,
  int,
  list,
  listShape,
  metadata,
  obj,
  oneOf,
  parseParams,
  str,
} from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { mustGet } from "../core/util.ts";
import { checkPromotion, couponDiscount, getCoupon, getPromotionCode } from "./coupons.ts";
import { getCustomer } from "./customers.ts";
import { cancelPaymentIntent, minimumCharge } from "../services/payments.ts";
import { createPrice, getPrice } from "./prices.ts";
import { getProduct } from "./products.ts";
import { sessionAutomaticTax, sessionTaxIdCollection, taxLineItems } from "../tax/checkout-tax.ts";

/**
 * Checkout Sessions: the API half (create, retrieve, list, line items, expire, the expiry
 * job). The hosted page that completes a session lives in `src/pages/checkout.ts`.
 */

type Session = Stripe.Checkout.Session;
type LineItem = Stripe.LineItem;

const DAY = 24 * 3600;

/**
 * An absolute http(s) URL, as Stripe requires for redirect URLs — the hosted pages put
 * these in links, so anything else (`javascript:`…) is refused up front.
 */
export const httpUrl = () =>
  z
    .string()
    .max(5000)
    .refine(
      (raw) => {
        try {
          const url = new URL(raw);
          return url.protocol === "http:" || url.protocol === "https:";
        } catch {
          return false;
        }
      },
      { message: "Not a valid URL" },
    );

const recurringParam = () =>
  obj({
    interval: oneOf(["day", "week", "month", "year"]),
    interval_count: int({ min: 1 }).optional(),
  });

const lineItemParam = () =>
  obj({
    price: z.string().optional(),
    price_data: obj({
      currency: currency(),
      product: z.string().optional(),
      product_data: obj({
        name: z.string(),
        description: z.string().optional(),
        images: list(z.string()).optional(),
        metadata: metadata().optional(),
        tax_code: z.string().optional(),
        unit_label: str({ max: 12 }).optional(),
      }).optional(),
      recurring: recurringParam().optional(),
      tax_behavior: oneOf(["exclusive", "inclusive", "unspecified"]).optional(),
      unit_amount: int({ min: 0 }).optional(),
      unit_amount_decimal: z
        .string()
        .regex(/^\d+(\.\d{1,12})?$/, "Invalid decimal")
        .optional(),
    }).optional(),
    quantity: int({ min: 0 }).optional(),
    adjustable_quantity: obj({
      enabled: bool(),
      maximum: int({ min: 1, max: 999999 }).optional(),
      minimum: int({ min: 0 }).optional(),
    }).optional(),
    metadata: metadata().optional(),
  });

const createSchema = obj({
  mode: oneOf(["payment", "setup", "subscription"]).optional(),
  line_items: list(lineItemParam()).optional(),
  customer: z.string().optional(),
  customer_email: str({ max: 800 }).optional(),
  customer_creation: oneOf(["always", "if_required"]).optional(),
  customer_update: obj({
    address: oneOf(["auto", "never"]).optional(),
    name: oneOf(["auto", "never"]).optional(),
    shipping: oneOf(["auto", "never"]).optional(),
  }).optional(),
  success_url: httpUrl().optional(),
  cancel_url: httpUrl().optional(),
  client_reference_id: str({ max: 200 }).optional(),
  currency: currency().optional(),
  metadata: metadata().optional(),
  expires_at: int().optional(),
  ui_mode: z.string().optional(),
  locale: z.string().optional(),
  submit_type: oneOf(["auto", "book", "donate", "pay", "subscribe"]).optional(),
  payment_method_types: list(z.string()).optional(),
  billing_address_collection: oneOf(["auto", "required"]).optional(),
  phone_number_collection: obj({ enabled: bool() }).optional(),
  shipping_address_collection: obj({
    allowed_countries: list(z.string().regex(/^[A-Z]{2}$/, "Invalid country code")),
  }).optional(),
  allow_promotion_codes: bool().optional(),
  automatic_tax: obj({ enabled: bool() }).optional(),
  tax_id_collection: obj({
    enabled: bool(),
    required: oneOf(["if_supported", "never"]).optional(),
  }).optional(),
  discounts: list(
    obj({ coupon: z.string().optional(), promotion_code: z.string().optional() }),
  ).optional(),
  subscription_data: obj({
    trial_period_days: int({ min: 1, max: 730 }).optional(),
    trial_end: int().optional(),
    metadata: metadata().optional(),
    description: str({ max: 500 }).optional(),
  }).optional(),
  payment_intent_data: obj({
    metadata: metadata().optional(),
    description: str({ max: 1000 }).optional(),
    receipt_email: z.string().optional(),
    setup_future_usage: oneOf(["off_session", "on_session"]).optional(),
    capture_method: oneOf(["automatic", "automatic_async", "manual"]).optional(),
    statement_descriptor: str({ max: 22 }).optional(),
    statement_descriptor_suffix: str({ max: 22 }).optional(),
  }).optional(),
  setup_intent_data: obj({
    metadata: metadata().optional(),
    description: str({ max: 1000 }).optional(),
  }).optional(),
});

export type SessionCreateParams = z.output<typeof createSchema>;

const listSchema = obj({
  ...listShape,
  customer: z.string().optional(),
  customer_details: obj({ email: z.string() }).optional(),
  payment_intent: z.string().optional(),
  payment_link: z.string().optional(),
  status: oneOf(["open", "complete", "expired"]).optional(),
  subscription: z.string().optional(),
});

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

/** Every line item's currency must match; the session takes it. */
function resolveLineItems(
  ctx: Ctx,
  mode: Stripe.Checkout.Session.Mode,
  items: NonNullable<SessionCreateParams["line_items"]>,
): LineItem[] {
  const out: LineItem[] = [];
  items.forEach((item, i) => {
    const at = (field: string) => `line_items[${i}][${field}]`;
    if (item.price !== undefined && item.price_data !== undefined) {
      throw invalidRequest("You may only specify one of these parameters: price, price_data.", {
        code: "parameters_exclusive",
        param: at("price"),
      });
    }
    let price: Stripe.Price;
    if (item.price !== undefined) {
      price = getPrice(ctx, item.price, at("price"));
      if (!price.active) {
        throw invalidParam(
          at("price"),
          `The price specified (${price.id}) is inactive. This field only accepts active prices.`,
        );
      }
    } else if (item.price_data !== undefined) {
      const d = item.price_data;
      if (d.product === undefined && d.product_data === undefined) {
        throw missingParam(`line_items[${i}][price_data][product_data]`);
      }
      if (d.product !== undefined)
        getProduct(ctx, d.product, `line_items[${i}][price_data][product]`);
      if (d.unit_amount === undefined && d.unit_amount_decimal === undefined) {
        throw missingParam(`line_items[${i}][price_data][unit_amount]`);
      }
      price = createPrice(ctx, {
        currency: d.currency,
        ...(d.unit_amount !== undefined ? { unit_amount: d.unit_amount } : {}),
        ...(d.unit_amount_decimal !== undefined
          ? { unit_amount_decimal: d.unit_amount_decimal }
          : {}),
        ...(d.recurring ? { recurring: d.recurring } : {}),
        ...(d.tax_behavior ? { tax_behavior: d.tax_behavior } : {}),
        ...(d.product !== undefined ? { product: d.product } : {}),
        ...(d.product_data !== undefined
          ? {
              product_data: {
                name: d.product_data.name,
                ...(d.product_data.metadata !== undefined
                  ? { metadata: d.product_data.metadata }
                  : {}),
                ...(d.product_data.tax_code !== undefined
                  ? { tax_code: d.product_data.tax_code }
                  : {}),
                ...(d.product_data.unit_label !== undefined
                  ? { unit_label: d.product_data.unit_label }
                  : {}),
              },
            }
          : {}),
      });
    } else {
      throw missingParam(at("price"));
    }
    if (mode === "payment" && price.type === "recurring") {
      throw invalidParam(
        at("price"),
        "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.",
      );
    }
    const quantity = item.quantity;
    if (quantity === undefined) throw missingParam(at("quantity"));
    const adjustable = item.adjustable_quantity;
    if (adjustable?.enabled) {
      const min = adjustable.minimum ?? 0;
      const max = adjustable.maximum ?? 99;
      if (min > max) {
        throw invalidParam(
          `line_items[${i}][adjustable_quantity][minimum]`,
          "adjustable_quantity[minimum] must be less than or equal to adjustable_quantity[maximum].",
        );
      }
      if (quantity < min || quantity > max) {
        throw invalidParam(
          at("quantity"),
          `The quantity must be between adjustable_quantity[minimum] (${min}) and adjustable_quantity[maximum] (${max}).`,
        );
      }
    }
    const first = out[0];
    if (first && first.currency !== price.currency) {
      throw invalidParam(
        at("price"),
        `All line items must be in the same currency; expected ${first.currency}, got ${price.currency}.`,
      );
    }
    const product = ctx.store.get<Stripe.Product>(
      typeof price.product === "string" ? price.product : price.product.id,
    );
    const unit = price.unit_amount ?? Math.round(Number(price.unit_amount_decimal));
    out.push({
      id: ctx.ids.id("li"),
      object: "item",
      adjustable_quantity: adjustable
        ? {
            enabled: adjustable.enabled,
            maximum: adjustable.enabled ? (adjustable.maximum ?? 99) : null,
            minimum: adjustable.enabled ? (adjustable.minimum ?? 0) : null,
          }
        : null,
      amount_discount: 0,
      amount_subtotal: unit * quantity,
      amount_tax: 0,
      amount_total: unit * quantity,
      currency: price.currency,
      description: product?.name ?? null,
      metadata: applyMetadata({}, item.metadata),
      price,
      quantity,
    });
  });
  return out;
}

export interface AppliedDiscount {
  coupon: Stripe.Coupon;
  promotionCode: Stripe.PromotionCode | null;
}

/** The discount a session carries: from `discounts` at creation or a code entered later. */
export function sessionDiscount(ctx: Ctx, session: Session): AppliedDiscount | null {
  const d = session.discounts?.[0];
  if (!d) return null;
  const promo =
    typeof d.promotion_code === "string" ? getPromotionCode(ctx, d.promotion_code) : null;
  const couponId = typeof d.coupon === "string" ? d.coupon : (d.coupon?.id ?? null);
  if (!couponId) return null;
  // A deleted coupon is stored as a `{ deleted: true }` stub with no amounts left to apply.
  const coupon = ctx.store.getTyped<Stripe.Coupon & { deleted?: boolean }>("coupon", couponId);
  if (!coupon || coupon.deleted === true) return null;
  return { coupon, promotionCode: promo };
}

function isTrial(session: Session, priv: SessionPrivate): boolean {
  return (
    session.mode === "subscription" && (priv.trialPeriodDays !== null || priv.trialEnd !== null)
  );
}

/**
 * Recomputes line item and session amounts. The discount is spread over line items in
 * proportion to their subtotals (the last item takes the rounding remainder). During a
 * trial only one-time items are due today, so the session totals leave the recurring
 * items out while line items keep their prices, as Stripe shows them.
 */
export function recalculate(ctx: Ctx, session: Session, priv: SessionPrivate): Session {
  if (session.mode === "setup") return session;
  const discount = sessionDiscount(ctx, session);
  const cur = session.currency ?? priv.lineItems[0]?.currency ?? "usd";
  const subtotal = priv.lineItems.reduce((s, li) => s + li.amount_subtotal, 0);
  const totalOff = discount ? couponDiscount(discount.coupon, subtotal, cur) : 0;
  let remaining = totalOff;
  const discounted = priv.lineItems.map((li, i) => {
    const last = i === priv.lineItems.length - 1;
    const share =
      last || subtotal === 0 ? remaining : Math.floor((totalOff * li.amount_subtotal) / subtotal);
    const off = Math.min(share, li.amount_subtotal, remaining);
    remaining -= off;
    return {
      ...li,
      amount_discount: off,
      amount_total: li.amount_subtotal - off,
      ...(discount
        ? {
            discounts: [
              {
                amount: off,
                discount: discountObject(ctx, session, discount),
              },
            ],
          }
        : {}),
    };
  });
  const taxed = taxLineItems(ctx, session, discounted);
  priv.lineItems = taxed.items;
  // During a trial only one-time items (added to the first invoice) are due today.
  const trial = isTrial(session, priv);
  const dueToday = priv.lineItems.filter((li) => !trial || li.price?.type !== "recurring");
  const sum = (f: (li: LineItem) => number) => dueToday.reduce((s, li) => s + f(li), 0);
  const todayDiscount = sum((li) => li.amount_discount);
  return {
    ...session,
    automatic_tax: taxed.automaticTax,
    amount_subtotal: sum((li) => li.amount_subtotal),
    amount_total: sum((li) => li.amount_total),
    total_details: {
      amount_discount: todayDiscount,
      amount_shipping: 0,
      amount_tax: sum((li) => li.amount_tax),
    },
  };
}

function discountObject(ctx: Ctx, session: Session, d: AppliedDiscount): Stripe.Discount {
  return {
    id: `di_${session.id.slice(8, 32)}`,
    object: "discount",
    checkout_session: session.id,
    customer: typeof session.customer === "string" ? session.customer : null,
    customer_account: null,
    end: null,
    invoice: null,
    invoice_item: null,
    promotion_code: d.promotionCode?.id ?? null,
    source: { coupon: d.coupon, type: "coupon" },
    start: ctx.now(),
    subscription: null,
    subscription_item: null,
  } as unknown as Stripe.Discount;
}

export function createSession(ctx: Ctx, p: SessionCreateParams): Session {
  const now = ctx.now();
  if (p.mode === undefined) throw missingParam("mode");
  const mode = p.mode;
  if (p.ui_mode !== undefined && p.ui_mode !== "hosted_page") {
    throw invalidParam(
      "ui_mode",
      `The emulator only supports hosted Checkout (ui_mode: hosted_page); got ${p.ui_mode}.`,
    );
  }
  if (p.payment_method_types?.some((t) => t !== "card")) {
    const i = p.payment_method_types.findIndex((t) => t !== "card");
    throw invalidParam(
      `payment_method_types[${i}]`,
      `The emulator only supports card payments; got ${p.payment_method_types[i] ?? ""}.`,
    );
  }
  if (p.customer !== undefined && p.customer_email !== undefined) {
    throw invalidRequest(
      "You may only specify one of these parameters: customer, customer_email.",
      { code: "parameters_exclusive", param: "customer_email" },
    );
  }
  if (p.customer_creation !== undefined && mode === "subscription") {
    throw invalidParam(
      "customer_creation",
      "`customer_creation` can only be used in `payment` and `setup` mode.",
    );
  }
  if (p.customer_creation !== undefined && p.customer !== undefined) {
    throw invalidRequest(
      "You may only specify one of these parameters: customer, customer_creation.",
      { code: "parameters_exclusive", param: "customer_creation" },
    );
  }
  if (p.customer_update !== undefined && p.customer === undefined) {
    throw invalidParam("customer_update", "`customer_update` can only be used with `customer`.");
  }
  if (p.allow_promotion_codes !== undefined && p.discounts !== undefined) {
    throw invalidRequest(
      "You may only specify one of these parameters: allow_promotion_codes, discounts.",
      { code: "parameters_exclusive", param: "discounts" },
    );
  }
  if (p.subscription_data !== undefined && mode !== "subscription") {
    throw invalidParam(
      "subscription_data",
      "You can only specify `subscription_data` in `subscription` mode.",
    );
  }
  if (p.payment_intent_data !== undefined && mode !== "payment") {
    throw invalidParam(
      "payment_intent_data",
      "You can only specify `payment_intent_data` in `payment` mode.",
    );
  }
  if (p.setup_intent_data !== undefined && mode !== "setup") {
    throw invalidParam(
      "setup_intent_data",
      "You can only specify `setup_intent_data` in `setup` mode.",
    );
  }
  if (p.shipping_address_collection !== undefined && mode === "setup") {
    throw invalidParam(
      "shipping_address_collection",
      "`shipping_address_collection` cannot be used in `setup` mode.",
    );
  }
  if (p.shipping_address_collection?.allowed_countries.length === 0) {
    throw missingParam("shipping_address_collection[allowed_countries]");
  }
  const sd = p.subscription_data;
  if (sd?.trial_period_days !== undefined && sd.trial_end !== undefined) {
    throw invalidRequest(
      "You may only specify one of these parameters: trial_end, trial_period_days.",
      { code: "parameters_exclusive", param: "subscription_data[trial_end]" },
    );
  }
  if (sd?.trial_end !== undefined && sd.trial_end < now + 2 * DAY) {
    throw invalidParam(
      "subscription_data[trial_end]",
      "`subscription_data[trial_end]` must be at least 48 hours in the future.",
    );
  }
  const expiresAt = p.expires_at ?? now + DAY;
  if (p.expires_at !== undefined && (p.expires_at < now + 30 * 60 || p.expires_at > now + DAY)) {
    throw invalidParam(
      "expires_at",
      "The `expires_at` timestamp must be at least 30 minutes and at most 24 hours after the Checkout Session is created.",
    );
  }

  let customer: Stripe.Customer | null = null;
  if (p.customer !== undefined) customer = getCustomer(ctx, p.customer, "customer");

  // Line items
  let lineItems: LineItem[] = [];
  if (mode === "setup") {
    if (p.line_items !== undefined && p.line_items.length > 0) {
      throw invalidParam("line_items", "`line_items` cannot be used in `setup` mode.");
    }
  } else {
    if (p.line_items === undefined || p.line_items.length === 0) throw missingParam("line_items");
    lineItems = resolveLineItems(ctx, mode, p.line_items);
    if (mode === "subscription" && !lineItems.some((li) => li.price?.type === "recurring")) {
      throw invalidParam(
        "line_items",
        "You must provide at least one recurring price in `subscription` mode when using prices.",
      );
    }
    if (p.currency !== undefined && p.currency !== lineItems[0]?.currency) {
      throw invalidParam(
        "currency",
        `The currency ${p.currency} does not match the line items' currency ${lineItems[0]?.currency ?? ""}.`,
      );
    }
  }
  const sessionCurrency =
    mode === "setup" ? (p.currency ?? null) : (lineItems[0]?.currency ?? null);

  // Discounts given up front are validated now (the hosted page only re-checks validity).
  let discounts: Stripe.Checkout.Session.Discount[] | null = null;
  if (p.discounts !== undefined && p.discounts.length > 0) {
    if (p.discounts.length > 1) {
      throw invalidParam("discounts", "You may only specify one discount per Checkout Session.");
    }
    const d = p.discounts[0] ?? {};
    if (d.coupon !== undefined && d.promotion_code !== undefined) {
      throw invalidRequest(
        "You may only specify one of these parameters: coupon, promotion_code.",
        { code: "parameters_exclusive", param: "discounts[0][coupon]" },
      );
    }
    const subtotal = lineItems.reduce((s, li) => s + li.amount_subtotal, 0);
    if (d.coupon !== undefined) {
      const coupon = getCoupon(ctx, d.coupon, "discounts[0][coupon]");
      if (!coupon.valid) {
        throw invalidParam("discounts[0][coupon]", `Coupon ${coupon.id} is no longer valid.`);
      }
      discounts = [{ coupon: coupon.id, promotion_code: null }];
    } else if (d.promotion_code !== undefined) {
      const promo = getPromotionCode(ctx, d.promotion_code, "discounts[0][promotion_code]");
      const { coupon } = checkPromotion(
        ctx,
        promo,
        {
          customer: customer?.id ?? null,
          amount: subtotal,
          ...(sessionCurrency ? { currency: sessionCurrency } : {}),
        },
        "discounts[0][promotion_code]",
      );
      discounts = [{ coupon: coupon.id, promotion_code: promo.id }];
    } else {
      throw missingParam("discounts[0][coupon]");
    }
    if (mode === "setup")
      throw invalidParam("discounts", "`discounts` cannot be used in `setup` mode.");
  }

  const id = `cs_test_${ctx.ids.token(58)}`;
  const base: Session = {
    id,
    object: "checkout.session",
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: p.allow_promotion_codes ?? null,
    allowed_payment_method_types: null,
    amount_subtotal: mode === "setup" ? null : 0,
    amount_total: mode === "setup" ? null : 0,
    automatic_tax: sessionAutomaticTax(mode !== "setup" && (p.automatic_tax?.enabled ?? false)),
    billing_address_collection: p.billing_address_collection ?? null,
    cancel_url: p.cancel_url ?? null,
    client_reference_id: p.client_reference_id ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency: sessionCurrency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: customer?.id ?? null,
    customer_account: null,
    customer_creation:
      mode === "subscription" || customer ? null : (p.customer_creation ?? "if_required"),
    customer_details: customer
      ? {
          address: customer.address ?? null,
          business_name: null,
          email: customer.email,
          individual_name: null,
          name: customer.name ?? null,
          phone: customer.phone ?? null,
          tax_exempt: customer.tax_exempt ?? "none",
          tax_ids: [],
        }
      : null,
    customer_email: p.customer_email ?? null,
    discounts,
    expires_at: expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation:
      mode === "payment"
        ? {
            enabled: false,
            invoice_data: {
              account_tax_ids: null,
              custom_fields: null,
              description: null,
              footer: null,
              issuer: null,
              metadata: {},
              rendering_options: null,
            },
          }
        : null,
    livemode: false,
    locale: p.locale ?? null,
    managed_payments: null,
    metadata: applyMetadata({}, p.metadata),
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: mode === "subscription" ? "always" : null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    payment_status: mode === "setup" ? "no_payment_required" : "unpaid",
    permissions: null,
    phone_number_collection: { enabled: p.phone_number_collection?.enabled ?? false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: p.shipping_address_collection
      ? {
          allowed_countries: p.shipping_address_collection.allowed_countries,
        }
      : null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: p.submit_type ?? null,
    subscription: null,
    success_url: p.success_url ?? null,
    tax_id_collection: sessionTaxIdCollection(p.tax_id_collection),
    total_details:
      mode === "setup" ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted_page",
    url: `${ctx.baseUrl}/c/pay/${id}`,
    wallet_options: null,
  };
  const priv: SessionPrivate = {
    lineItems,
    promotionCode: null,
    pendingAuth: null,
    flash: null,
    trialPeriodDays: sd?.trial_period_days ?? null,
    trialEnd: sd?.trial_end ?? null,
    subscriptionMetadata: applyMetadata({}, sd?.metadata),
    subscriptionDescription: sd?.description ?? null,
    paymentIntentData: {
      metadata: applyMetadata({}, p.payment_intent_data?.metadata),
      description: p.payment_intent_data?.description ?? null,
      receipt_email: p.payment_intent_data?.receipt_email ?? null,
      setup_future_usage: p.payment_intent_data?.setup_future_usage ?? null,
      capture_method: p.payment_intent_data?.capture_method ?? null,
      statement_descriptor: p.payment_intent_data?.statement_descriptor ?? null,
      statement_descriptor_suffix: p.payment_intent_data?.statement_descriptor_suffix ?? null,
    },
    setupIntentData: {
      metadata: applyMetadata({}, p.setup_intent_data?.metadata),
      description: p.setup_intent_data?.description ?? null,
    },
    customerUpdate: {
      address: p.customer_update?.address ?? "never",
      name: p.customer_update?.name ?? "never",
      shipping: p.customer_update?.shipping ?? "never",
    },
  };
  const session = recalculate(ctx, base, priv);
  const minimum = minimumCharge(session.currency ?? "");
  const due = session.amount_total ?? 0;
  if (mode !== "setup" && due > 0 && due < minimum) {
    throw invalidParam(
      "line_items",
      `The Checkout Session's total amount due must add up to at least ${minimum} ${session.currency ?? ""} (minor units).`,
      "amount_too_small",
    );
  }
  ctx.store.insert(session);
  setSessionPrivate(ctx, id, priv);
  ctx.schedule({
    kind: "checkout_session.expire",
    id: `checkout_session.expire:${id}`,
    runAt: expiresAt,
    payload: { session: id },
  });
  return session;
}

const idOf = (v: string | { id: string } | null | undefined): string | null =>
  v === null || v === undefined ? null : typeof v === "string" ? v : v.id;

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

function lineItemsList(ctx: Ctx, session: Session, params: z.output<typeof lineListSchema>) {
  const priv = getSessionPrivate(ctx, session.id);
  // Stripe lists line items in the order they were given, not newest first.
  return paginate(priv.lineItems, params, `/v1/checkout/sessions/${session.id}/line_items`);
}

const lineListSchema = obj({
  limit: int({ min: 1, max: 100 }).optional(),
  starting_after: z.string().optional(),
  ending_before: z.string().optional(),
});

export const checkoutSessionsModule: EmulatorModule = {
  name: "checkout-sessions",
  routes: [
    {
      method: "POST",
      path: "/v1/checkout/sessions",
      handler: (ctx, req) => createSession(ctx, parseParams(createSchema, req.params)),
    },
    {
      method: "GET",
      path: "/v1/checkout/sessions",
      handler: (ctx, req) => {
        const p = parseParams(listSchema, req.params);
        const items = ctx.store.list<Session>("checkout.session", {
          ...(p.customer !== undefined ? { customer: p.customer } : {}),
          created: p.created,
          where: (s) =>
            (p.status === undefined || s.status === p.status) &&
            (p.payment_intent === undefined || idOf(s.payment_intent) === p.payment_intent) &&
            (p.subscription === undefined || idOf(s.subscription) === p.subscription) &&
            (p.payment_link === undefined || idOf(s.payment_link) === p.payment_link) &&
            (p.customer_details === undefined ||
              (s.customer_details?.email ?? "").toLowerCase() ===
                p.customer_details.email.toLowerCase()),
        });
        return paginate(items, p, "/v1/checkout/sessions");
      },
    },
    {
      method: "GET",
      path: "/v1/checkout/sessions/:id",
      handler: (ctx, req) => getSession(ctx, req.pathParams.id ?? "", "id"),
    },
    {
      method: "POST",
      path: "/v1/checkout/sessions/:id",
      // Only metadata: line items, shipping options and collected information are updated
      // by custom (Elements) integrations, which the emulator does not offer.
      handler: (ctx, req) => {
        const session = getSession(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(obj({ metadata: metadata().optional() }), req.params);
        if (p.metadata === undefined) return session;
        const next: Session = { ...session, metadata: applyMetadata(session.metadata, p.metadata) };
        ctx.store.update(next);
        return next;
      },
    },
    {
      method: "GET",
      path: "/v1/checkout/sessions/:id/line_items",
      handler: (ctx, req) => {
        const session = getSession(ctx, req.pathParams.id ?? "", "id");
        return lineItemsList(ctx, session, parseParams(lineListSchema, req.params));
      },
    },
    {
      method: "POST",
      path: "/v1/checkout/sessions/:id/expire",
      handler: (ctx, req) => {
        const session = getSession(ctx, req.pathParams.id ?? "", "id");
        parseParams(obj({}), req.params);
        if (session.status !== "open") {
          throw invalidRequest(
            `Only Checkout Sessions with a status of \`open\` can be expired. This session's status is \`${session.status ?? ""}\`.`,
          );
        }
        return expireSession(ctx, session);
      },
    },
  ],
  expanders: {
    "checkout.session.line_items": (ctx, object) =>
      lineItemsList(ctx, object as unknown as Session, { limit: 100 }),
  },
  jobs: {
    "checkout_session.expire": (ctx, payload) => {
      const id = (payload as { session: string }).session;
      const session = ctx.store.getTyped<Session>("checkout.session", id);
      // Completed sessions keep their status; the job only ends sessions still open.
      if (session?.status === "open") expireSession(ctx, session);
    },
  },
};
