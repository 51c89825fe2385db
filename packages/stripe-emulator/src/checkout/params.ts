import { z } from "zod";
import {
  bool,
  currency,
  httpUrl,
  int,
  list,
  listShape,
  metadata,
  obj,
  oneOf,
  str,
} from "../core/params.ts";

/** The parameters of the Checkout Session endpoints, as the pinned API version declares them. */

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

export const createSchema = obj({
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

export const listSchema = obj({
  ...listShape,
  customer: z.string().optional(),
  customer_details: obj({ email: z.string() }).optional(),
  payment_intent: z.string().optional(),
  payment_link: z.string().optional(),
  status: oneOf(["open", "complete", "expired"]).optional(),
  subscription: z.string().optional(),
});

export const lineListSchema = obj({
  limit: int({ min: 1, max: 100 }).optional(),
  starting_after: z.string().optional(),
  ending_before: z.string().optional(),
});
