import { users, withTransaction, type Db } from "@folio/db";
import type Stripe from "stripe";
import { manualClock } from "../clock.ts";
import type { SyncChange, SyncChangeType, SyncHook, SyncObjectMap } from "../sync/hooks.ts";

// Test builders for Stripe objects as webhooks deliver them (ids for related objects, not
// expanded), plus a way to run hooks the way the sync engine does.

let seq = 0;
export const nextId = (prefix: string) => `${prefix}_test${(++seq).toString().padStart(8, "0")}`;

export async function addUser(
  db: Db,
  id = nextId("usr"),
  email = `${id}@example.test`,
): Promise<string> {
  const now = new Date(Date.UTC(2026, 0, 1));
  await db
    .insert(users)
    .values({ id, email, name: id, passwordHash: "x", createdAt: now, updatedAt: now });
  return id;
}

export function price(over: Partial<Stripe.Price> = {}): Stripe.Price {
  return {
    id: nextId("price"),
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created: 1767225600,
    currency: "usd",
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: "prod_plan",
    recurring: {
      interval: "month",
      interval_count: 1,
      meter: null,
      trial_period_days: null,
      usage_type: "licensed",
    },
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: "recurring",
    unit_amount: 1400,
    unit_amount_decimal: "1400",
    ...over,
  } as Stripe.Price;
}

export function subscription(
  over: Partial<Stripe.Subscription> & { itemPrices?: { price: Stripe.Price; quantity: number }[] },
): Stripe.Subscription {
  const { itemPrices, ...rest } = over;
  const id = rest.id ?? nextId("sub");
  const items = {
    object: "list",
    has_more: false,
    url: `/v1/subscription_items?subscription=${id}`,
    data: (itemPrices ?? [{ price: price(), quantity: 1 }]).map((ip, i) => ({
      id: `si_${id}_${i}`,
      object: "subscription_item",
      created: 1767225600,
      current_period_start: 1767225600,
      current_period_end: 1769904000,
      discounts: [],
      metadata: {},
      price: ip.price,
      quantity: ip.quantity,
      subscription: id,
      tax_rates: [],
    })),
  };
  const built = {
    items,
    id,
    object: "subscription",
    customer: "cus_x",
    status: "active",
    currency: "usd",
    cancel_at_period_end: false,
    cancel_at: null,
    canceled_at: null,
    ended_at: null,
    trial_end: null,
    trial_start: null,
    pause_collection: null,
    discounts: [],
    created: 1767225600,
    livemode: false,
    metadata: {},
    ...rest,
  };
  // Explicit item prices win over items copied in from another subscription.
  if (itemPrices) built.items = items;
  return built as unknown as Stripe.Subscription;
}

export function checkoutSession(
  over: Partial<Stripe.Checkout.Session> = {},
): Stripe.Checkout.Session {
  return {
    id: nextId("cs"),
    object: "checkout.session",
    mode: "payment",
    status: "complete",
    payment_status: "paid",
    amount_subtotal: 3850,
    amount_total: 4349,
    currency: "usd",
    customer: "cus_x",
    customer_email: null,
    customer_details: { email: "casey@example.test", name: "Casey", phone: null },
    client_reference_id: null,
    collected_information: {
      business_name: null,
      individual_name: null,
      shipping_details: {
        name: "Casey Customer",
        address: {
          line1: "1 Paper Lane",
          line2: null,
          city: "Portland",
          state: "OR",
          postal_code: "97201",
          country: "US",
        },
      },
    },
    total_details: { amount_discount: 0, amount_shipping: 499, amount_tax: 0 },
    payment_intent: nextId("pi"),
    created: 1767225600,
    livemode: false,
    metadata: {},
    ...over,
  } as unknown as Stripe.Checkout.Session;
}

export function lineItem(p: {
  unitAmount: number;
  quantity: number;
  metadata: Record<string, string>;
  name: string;
}): Stripe.LineItem {
  const amount = p.unitAmount * p.quantity;
  return {
    id: nextId("li"),
    object: "item",
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: "usd",
    description: p.name,
    quantity: p.quantity,
    price: price({
      type: "one_time",
      recurring: null,
      unit_amount: p.unitAmount,
      product: {
        id: nextId("prod"),
        object: "product",
        name: p.name,
        metadata: p.metadata,
        active: true,
      } as Stripe.Product,
    }),
  } as unknown as Stripe.LineItem;
}

export function charge(over: Partial<Stripe.Charge>): Stripe.Charge {
  return {
    id: nextId("ch"),
    object: "charge",
    amount: 4349,
    amount_captured: 4349,
    amount_refunded: 0,
    currency: "usd",
    paid: true,
    captured: true,
    refunded: false,
    disputed: false,
    status: "succeeded",
    created: 1767225600,
    livemode: false,
    metadata: {},
    ...over,
  } as unknown as Stripe.Charge;
}

export const clock = manualClock(Date.UTC(2026, 0, 2));

/** Runs `hook` for one change the way the sync engine does: prepare, then write in a transaction. */
export async function runHook<K extends SyncChangeType>(
  db: Db,
  stripe: Stripe,
  hook: SyncHook,
  type: K,
  object: SyncObjectMap[K],
  event: { id: string | null; type?: string; created?: Date } = { id: nextId("evt") },
  deleted = false,
): Promise<void> {
  const change = {
    type,
    object,
    previous: null,
    ...(deleted ? { deleted: true } : {}),
    event: {
      id: event.id,
      type: event.type ?? `${type}.updated`,
      created: event.created ?? clock.now(),
    },
    clock,
  } as SyncChange;
  if (hook.types && !hook.types.includes(type)) return;
  const prepared = hook.prepare ? await hook.prepare({ db, stripe, clock }, change) : undefined;
  await withTransaction(db, (tx) => hook.write(tx, change, prepared));
}
