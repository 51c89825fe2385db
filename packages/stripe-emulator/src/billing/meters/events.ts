import type Stripe from "stripe";
import { invalidRequest } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { clockOf, isDeleted } from "../../core/util.ts";
import { meterForEventName } from "./meters.ts";

/**
 * Meter events. Stripe answers a well-formed event at once and validates the payload
 * asynchronously: an event with no meter, no known customer, a bad value or a timestamp
 * outside its window is accepted but never counted (Stripe reports it in a
 * `v1.billing.meter.error_report_triggered` thin event; the emulator logs it). Identifiers
 * are unique: a repeated one is refused with a 400 and is not counted twice.
 */

const TYPE = "billing.meter_event";
const MAX_AGE = 35 * 86_400;
const MAX_AHEAD = 5 * 60;

/** How an event is stored: the public object plus what aggregation needs, indexed by customer and event time. */
interface StoredMeterEvent {
  id: string;
  object: typeof TYPE;
  /** The event's `timestamp` (the store's indexed `created` column). */
  created: number;
  customer: string | null;
  meter: string | null;
  value: number | null;
  /** Arrival order: pre-aggregated windows and `last` keep the latest. */
  arrival: number;
  error: string | null;
  event: Stripe.Billing.MeterEvent;
}

export interface MeterEventInput {
  event_name: string;
  payload: Record<string, string>;
  identifier?: string | undefined;
  timestamp?: number | undefined;
}

const storageId = (identifier: string) => `meter_event:${identifier}`;

function nextArrival(ctx: Ctx): number {
  const n = Number(ctx.store.getMeta("meter_event_arrival") ?? "0") + 1;
  ctx.store.setMeta("meter_event_arrival", String(n));
  return n;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** Why Stripe would not count this event (its error-report code and message), or null. */
function validate(
  ctx: Ctx,
  p: MeterEventInput,
  timestamp: number | undefined,
): { meter: Stripe.Billing.Meter | null; customer: Stripe.Customer | null; error: string | null } {
  const meter = meterForEventName(ctx, p.event_name) ?? null;
  if (!meter) return { meter, customer: null, error: `no_meter: no meter for ${p.event_name}` };
  if (meter.status !== "active")
    return { meter, customer: null, error: `archived_meter: ${meter.id} is inactive` };
  const key = meter.customer_mapping.event_payload_key;
  const customerId = p.payload[key];
  if (customerId === undefined)
    return {
      meter,
      customer: null,
      error: `meter_event_no_customer_defined: customer mapping key ${key} not found in payload`,
    };
  const found = ctx.store.getTyped<Stripe.Customer>("customer", customerId);
  const customer = found && !isDeleted(found) ? found : null;
  if (!customer) return { meter, customer, error: `meter_event_customer_not_found: ${customerId}` };
  if (meter.default_aggregation.formula !== "count") {
    const raw = p.payload[meter.value_settings.event_payload_key];
    if (raw === undefined)
      return {
        meter,
        customer,
        error: `meter_event_value_not_found: ${meter.value_settings.event_payload_key} not in payload`,
      };
    if (!NUMBER.test(raw))
      return { meter, customer, error: `meter_event_invalid_value: ${raw} is not a number` };
  }
  const now = ctx.clockNow(clockOf(customer));
  const at = timestamp ?? now;
  if (at < now - MAX_AGE)
    return { meter, customer, error: "timestamp_too_far_in_past: more than 35 days ago" };
  if (at > now + MAX_AHEAD)
    return { meter, customer, error: "timestamp_in_future: more than 5 minutes ahead" };
  return { meter, customer, error: null };
}

export function recordMeterEvent(ctx: Ctx, p: MeterEventInput): Stripe.Billing.MeterEvent {
  const identifier = p.identifier ?? ctx.ids.id("idmp");
  if (ctx.store.get(storageId(identifier))) {
    throw invalidRequest(`An event already exists with identifier ${identifier}.`, {
      param: "identifier",
    });
  }
  const { meter, customer, error } = validate(ctx, p, p.timestamp);
  // Without a customer there is no test clock: the event is stamped with the global time.
  const timestamp = p.timestamp ?? ctx.clockNow(customer ? clockOf(customer) : null);
  const event: Stripe.Billing.MeterEvent = {
    object: TYPE,
    created: ctx.now(),
    event_name: p.event_name,
    identifier,
    livemode: false,
    payload: p.payload,
    timestamp,
  };
  const valueRaw = meter ? p.payload[meter.value_settings.event_payload_key] : undefined;
  const stored: StoredMeterEvent = {
    id: storageId(identifier),
    object: TYPE,
    created: timestamp,
    customer: customer?.id ?? null,
    meter: meter?.id ?? null,
    value: valueRaw !== undefined && NUMBER.test(valueRaw) ? Number(valueRaw) : null,
    arrival: nextArrival(ctx),
    error,
    event,
  };
  ctx.store.insert(stored);
  if (error) console.warn(`[stripe-emulator] meter event ${identifier} not counted: ${error}`);
  return event;
}

/** The events of a meter and customer with `start <= timestamp < end` that count. */
function countedEvents(
  ctx: Ctx,
  meter: Stripe.Billing.Meter,
  customer: string,
  start: number,
  end: number,
): StoredMeterEvent[] {
  const events = ctx.store.list<StoredMeterEvent>(TYPE, {
    customer,
    created: { gte: start, lt: end },
    where: (e) => e.meter === meter.id && e.error === null,
  });
  const window = meter.event_time_window;
  if (window !== "hour" && window !== "day") return events;
  // Pre-aggregated: the latest event to arrive in each UTC hour or day replaces the others.
  const size = window === "hour" ? 3600 : 86_400;
  const latest = new Map<number, StoredMeterEvent>();
  for (const e of events) {
    const slot = Math.floor(e.created / size);
    const kept = latest.get(slot);
    if (!kept || e.arrival > kept.arrival) latest.set(slot, e);
  }
  return [...latest.values()];
}

/** A meter's aggregated value for one customer over `[start, end)`, per its default aggregation. */
export function aggregateUsage(
  ctx: Ctx,
  meter: Stripe.Billing.Meter,
  customer: string,
  start: number,
  end: number,
): number {
  const events = countedEvents(ctx, meter, customer, start, end);
  switch (meter.default_aggregation.formula) {
    case "count":
      return events.length;
    case "last": {
      const last = events.reduce<StoredMeterEvent | null>(
        (a, e) =>
          !a || e.created > a.created || (e.created === a.created && e.arrival > a.arrival) ? e : a,
        null,
      );
      return last?.value ?? 0;
    }
    default:
      // Decimal values: add in fixed point so 0.1 + 0.2 stays 0.3.
      return events.reduce((s, e) => s + Math.round((e.value ?? 0) * 1e6), 0) / 1e6;
  }
}
