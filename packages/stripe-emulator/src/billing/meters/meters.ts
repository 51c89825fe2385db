import type Stripe from "stripe";
import { invalidParam, invalidRequest } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { mustGet } from "../../core/util.ts";

/**
 * Billing meters: how meter events are mapped to a customer, which payload key holds the
 * value and how a period's events aggregate. Everything but `display_name` is fixed once
 * created, and an event name belongs to one meter for good (deactivated ones keep it).
 */

export const METER = "billing.meter";

export interface MeterInput {
  display_name: string;
  event_name: string;
  default_aggregation: { formula: "count" | "last" | "sum" };
  customer_mapping?: { event_payload_key: string; type: "by_id" } | undefined;
  value_settings?: { event_payload_key: string } | undefined;
  event_time_window?: "day" | "hour" | undefined;
}

export function getMeter(ctx: Ctx, id: string, param = "id"): Stripe.Billing.Meter {
  return mustGet<Stripe.Billing.Meter>(ctx, METER, id, param, "billing meter");
}

/** The meter that owns an event name (active or not), if any. */
export function meterForEventName(ctx: Ctx, eventName: string): Stripe.Billing.Meter | undefined {
  return ctx.store.list<Stripe.Billing.Meter>(METER, {
    where: (m) => m.event_name === eventName,
  })[0];
}

export function createMeter(ctx: Ctx, p: MeterInput): Stripe.Billing.Meter {
  const owner = meterForEventName(ctx, p.event_name);
  if (owner) {
    throw invalidParam(
      "event_name",
      `A meter with event_name \`${p.event_name}\` already exists (\`${owner.id}\`). An event name can only be used by one meter.`,
    );
  }
  const now = ctx.now();
  const meter: Stripe.Billing.Meter = {
    id: ctx.ids.id("mtr"),
    object: METER,
    created: now,
    customer_mapping: p.customer_mapping ?? {
      event_payload_key: "stripe_customer_id",
      type: "by_id",
    },
    default_aggregation: { formula: p.default_aggregation.formula },
    display_name: p.display_name,
    event_name: p.event_name,
    event_time_window: p.event_time_window ?? null,
    livemode: false,
    status: "active",
    status_transitions: { deactivated_at: null },
    updated: now,
    value_settings: p.value_settings ?? { event_payload_key: "value" },
  };
  ctx.store.insert(meter);
  ctx.emit("billing.meter.created", meter);
  return meter;
}

/** Moves a meter between active and inactive; a no-op when it already is in that state. */
export function setMeterStatus(
  ctx: Ctx,
  meter: Stripe.Billing.Meter,
  status: "active" | "inactive",
): Stripe.Billing.Meter {
  if (meter.status === status) return meter;
  const now = ctx.now();
  const next: Stripe.Billing.Meter = {
    ...meter,
    status,
    status_transitions: { deactivated_at: status === "inactive" ? now : null },
    updated: now,
  };
  ctx.store.update(next);
  ctx.emit(status === "inactive" ? "billing.meter.deactivated" : "billing.meter.reactivated", next);
  return next;
}

/**
 * Checks the `recurring` of a new price against Stripe's meter rules: a metered price is
 * backed by an active meter, and only metered prices name one.
 */
export function checkPriceMeter(
  ctx: Ctx,
  recurring: { usage_type?: string | undefined; meter?: string | undefined },
  param: string,
): void {
  const metered = recurring.usage_type === "metered";
  if (!metered && recurring.meter !== undefined) {
    throw invalidParam(
      `${param}[meter]`,
      "A meter can only be set on a price with `recurring[usage_type]=metered`.",
    );
  }
  if (!metered) return;
  if (recurring.meter === undefined) {
    throw invalidParam(
      `${param}[meter]`,
      "Metered prices must be backed by a billing meter: set `recurring[meter]` to the id of an active meter.",
    );
  }
  const meter = getMeter(ctx, recurring.meter, `${param}[meter]`);
  if (meter.status !== "active") {
    throw invalidRequest(
      `The meter \`${meter.id}\` is inactive. A deactivated meter cannot be attached to a price.`,
      { param: `${param}[meter]` },
    );
  }
}
