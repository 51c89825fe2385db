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
import { discountParam } from "../shared.ts";
import { schedulePhaseParam } from "../subscription-schedules.ts";

/** The parameters of the invoice and invoice item endpoints. */

const itemUpdate = () =>
  obj({
    id: z.string().optional(),
    price: z.string().optional(),
    quantity: int({ min: 0 }).optional(),
    deleted: bool().optional(),
    metadata: metadata().optional(),
    clear_usage: bool().optional(),
  });

export const previewSchema = obj({
  customer: z.string().optional(),
  subscription: z.string().optional(),
  discounts: emptyable(list(discountParam())).optional(),
  preview_mode: oneOf(["next", "recurring"]).optional(),
  currency: currency().optional(),
  schedule: z.string().optional(),
  schedule_details: obj({
    phases: list(schedulePhaseParam()).optional(),
    end_behavior: oneOf(["cancel", "none", "release", "renew"]).optional(),
    proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
  }).optional(),
  subscription_details: obj({
    items: list(itemUpdate()).optional(),
    proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
    proration_date: int().optional(),
    cancel_at_period_end: bool().optional(),
    trial_end: z.union([z.literal("now"), int()]).optional(),
    billing_cycle_anchor: z
      .union([oneOf(["now", "unchanged"]), obj({ type: oneOf(["now", "unchanged"]) })])
      .optional(),
  }).optional(),
});

export const createSchema = obj({
  customer: z.string().optional(),
  subscription: z.string().optional(),
  auto_advance: bool().optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
  days_until_due: int({ min: 0 }).optional(),
  due_date: int().optional(),
  currency: currency().optional(),
  default_payment_method: z.string().optional(),
  description: str({ max: 1500 }).optional(),
  footer: str({ max: 5000 }).optional(),
  metadata: metadata().optional(),
  discounts: emptyable(list(discountParam())).optional(),
  pending_invoice_items_behavior: oneOf(["exclude", "include"]).optional(),
  automatic_tax: obj({ enabled: bool() }).optional(),
  default_tax_rates: list(z.string()).optional(),
});

export const updateSchema = obj({
  auto_advance: bool().optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
  days_until_due: int({ min: 0 }).optional(),
  due_date: int().optional(),
  default_payment_method: emptyable(z.string()).optional(),
  description: emptyable(str({ max: 1500 })).optional(),
  footer: emptyable(str({ max: 5000 })).optional(),
  metadata: metadata().optional(),
  discounts: emptyable(list(discountParam())).optional(),
});

export const listSchema = obj({
  ...listShape,
  customer: z.string().optional(),
  subscription: z.string().optional(),
  status: oneOf(["draft", "open", "paid", "uncollectible", "void"]).optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
  due_date: rangeFilter().optional(),
});

export const paySchema = obj({
  payment_method: z.string().optional(),
  paid_out_of_band: bool().optional(),
  off_session: bool().optional(),
  forgive: bool().optional(),
  source: z.string().optional(),
  mandate: emptyable(z.string()).optional(),
});

export const invoiceItemCreate = obj({
  customer: z.string(),
  amount: int().optional(),
  currency: currency().optional(),
  price: z.string().optional(),
  pricing: obj({ price: z.string().optional() }).optional(),
  quantity: int({ min: 0 }).optional(),
  unit_amount_decimal: z.string().optional(),
  description: str({ max: 500 }).optional(),
  discountable: bool().optional(),
  invoice: z.string().optional(),
  subscription: z.string().optional(),
  metadata: metadata().optional(),
  period: obj({ start: int(), end: int() }).optional(),
  tax_rates: list(z.string()).optional(),
});

export const invoiceItemUpdate = obj({
  amount: int().optional(),
  description: str({ max: 500 }).optional(),
  discountable: bool().optional(),
  quantity: int({ min: 0 }).optional(),
  metadata: metadata().optional(),
});
