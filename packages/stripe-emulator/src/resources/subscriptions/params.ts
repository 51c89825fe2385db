import { z } from "zod";
import {
  bool,
  currency,
  emptyable,
  int,
  list,
  listShape,
  metadata,
  obj,
  oneOf,
  rangeFilter,
  str,
} from "../../core/params.ts";
import { CANCELLATION_FEEDBACK, discountParam } from "../shared.ts";

/** The parameters of the subscription endpoints. */

const feedback = oneOf(CANCELLATION_FEEDBACK);

export const cancellationDetails = () =>
  obj({
    comment: emptyable(str({ max: 5000 })).optional(),
    feedback: emptyable(feedback).optional(),
  });

export const trialSettings = () =>
  obj({
    end_behavior: obj({
      missing_payment_method: oneOf(["cancel", "create_invoice", "pause"]),
    }),
  });

/** `items[][price_data]`: an inline recurring price. */
export const priceDataParam = () =>
  obj({
    currency: currency(),
    product: z.string(),
    recurring: obj({
      interval: oneOf(["day", "week", "month", "year"]),
      interval_count: int({ min: 1 }).optional(),
    }),
    unit_amount: int({ min: 0 }).optional(),
    unit_amount_decimal: z.string().optional(),
    tax_behavior: oneOf(["exclusive", "inclusive", "unspecified"]).optional(),
  });

export const addInvoiceItem = () =>
  obj({
    price: z.string().optional(),
    price_data: obj({
      currency: currency(),
      product: z.string(),
      unit_amount: int({ min: 0 }).optional(),
      unit_amount_decimal: z.string().optional(),
      tax_behavior: oneOf(["exclusive", "inclusive", "unspecified"]).optional(),
    }).optional(),
    quantity: int({ min: 1 }).optional(),
    metadata: metadata().optional(),
    discountable: bool().optional(),
  });

export type AddInvoiceItemParam = z.output<ReturnType<typeof addInvoiceItem>>;

export const createSchema = obj({
  customer: z.string(),
  add_invoice_items: list(addInvoiceItem()).optional(),
  items: list(
    obj({
      price: z.string().optional(),
      price_data: priceDataParam().optional(),
      quantity: int({ min: 0 }).optional(),
      metadata: metadata().optional(),
      tax_rates: list(z.string()).optional(),
    }),
  ),
  default_payment_method: z.string().optional(),
  trial_period_days: int({ min: 0 }).optional(),
  trial_end: z.union([z.literal("now"), int()]).optional(),
  trial_from_plan: bool().optional(),
  trial_settings: trialSettings().optional(),
  discounts: emptyable(list(discountParam())).optional(),
  metadata: metadata().optional(),
  description: str({ max: 500 }).optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
  days_until_due: int({ min: 0 }).optional(),
  payment_behavior: oneOf([
    "allow_incomplete",
    "default_incomplete",
    "error_if_incomplete",
    "pending_if_incomplete",
  ]).optional(),
  billing_cycle_anchor: int().optional(),
  proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
  cancel_at_period_end: bool().optional(),
  cancel_at: int().optional(),
  off_session: bool().optional(),
  currency: z.string().optional(),
  payment_settings: obj({
    save_default_payment_method: oneOf(["off", "on_subscription"]).optional(),
    payment_method_types: emptyable(list(z.string())).optional(),
  }).optional(),
  automatic_tax: obj({ enabled: bool() }).optional(),
  default_tax_rates: list(z.string()).optional(),
  billing_mode: obj({
    type: oneOf(["classic", "flexible"]),
    flexible: obj({ proration_discounts: oneOf(["included", "itemized"]).optional() }).optional(),
  }).optional(),
});

export const migrateSchema = obj({
  billing_mode: obj({
    type: oneOf(["flexible"]),
    flexible: obj({ proration_discounts: oneOf(["included", "itemized"]).optional() }).optional(),
  }),
});

const itemUpdate = () =>
  obj({
    id: z.string().optional(),
    price: z.string().optional(),
    price_data: priceDataParam().optional(),
    quantity: int({ min: 0 }).optional(),
    deleted: bool().optional(),
    metadata: metadata().optional(),
    clear_usage: bool().optional(),
  });

export const updateSchema = obj({
  items: list(itemUpdate()).optional(),
  add_invoice_items: list(addInvoiceItem()).optional(),
  proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
  proration_date: int().optional(),
  payment_behavior: oneOf([
    "allow_incomplete",
    "default_incomplete",
    "error_if_incomplete",
    "pending_if_incomplete",
  ]).optional(),
  cancel_at_period_end: bool().optional(),
  cancel_at: emptyable(int()).optional(),
  cancellation_details: cancellationDetails().optional(),
  pause_collection: emptyable(
    obj({
      behavior: oneOf(["keep_as_draft", "mark_uncollectible", "void"]),
      resumes_at: int().optional(),
    }),
  ).optional(),
  trial_end: z.union([z.literal("now"), int()]).optional(),
  trial_settings: trialSettings().optional(),
  default_payment_method: emptyable(z.string()).optional(),
  description: emptyable(str({ max: 500 })).optional(),
  metadata: metadata().optional(),
  discounts: emptyable(list(discountParam())).optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
  days_until_due: int({ min: 0 }).optional(),
  off_session: bool().optional(),
  billing_cycle_anchor: z
    .union([oneOf(["now", "unchanged"]), obj({ type: oneOf(["now", "unchanged"]) })])
    .optional(),
});

export type SubscriptionUpdate = z.output<typeof updateSchema>;

export const listSchema = obj({
  ...listShape,
  customer: z.string().optional(),
  price: z.string().optional(),
  plan: z.string().optional(),
  status: oneOf([
    "active",
    "all",
    "canceled",
    "ended",
    "incomplete",
    "incomplete_expired",
    "past_due",
    "paused",
    "trialing",
    "unpaid",
  ]).optional(),
  test_clock: z.string().optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
  current_period_end: rangeFilter().optional(),
  current_period_start: rangeFilter().optional(),
});

export const cancelSchema = obj({
  invoice_now: bool().optional(),
  prorate: bool().optional(),
  cancellation_details: cancellationDetails().optional(),
});

export const pauseSchema = obj({
  type: oneOf(["subscription"]).optional(),
  invoicing_behavior: oneOf(["invoice", "pending_invoice_item"]).optional(),
  bill_for: obj({
    outstanding_usage_through: obj({ type: oneOf(["none", "now"]) }).optional(),
    unused_time_from: obj({ type: oneOf(["item_current_period_start", "none", "now"]) }).optional(),
  }).optional(),
});

export const resumeSchema = obj({
  billing_cycle_anchor: z
    .union([oneOf(["now", "unchanged"]), obj({ type: oneOf(["now", "unchanged"]) })])
    .optional(),
  proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
  proration_date: int().optional(),
  payment_behavior: oneOf(["resume_on_payment_attempt", "resume_on_payment_success"]).optional(),
});
