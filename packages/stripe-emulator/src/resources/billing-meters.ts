import { createHash } from "node:crypto";
import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam } from "../core/errors.ts";
import { listObjects, paginate } from "../core/list.ts";
import { int, listShape, obj, oneOf, parseParams, str } from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { mustGet, saveAndEmitUpdate } from "../core/util.ts";
import { aggregateUsage, recordMeterEvent } from "../billing/meters/events.ts";
import { createMeter, getMeter, METER, setMeterStatus } from "../billing/meters/meters.ts";

/** `/v1/billing/meters`, their event summaries, and `/v1/billing/meter_events`. */

const createSchema = obj({
  display_name: str({ max: 250 }),
  event_name: str({ max: 100 }),
  default_aggregation: obj({ formula: oneOf(["count", "last", "sum"]) }),
  customer_mapping: obj({
    event_payload_key: str({ max: 100 }),
    type: z.literal("by_id"),
  }).optional(),
  value_settings: obj({ event_payload_key: str({ max: 100 }) }).optional(),
  event_time_window: oneOf(["day", "hour"]).optional(),
});

const summariesSchema = obj({
  ...listShape,
  customer: z.string(),
  start_time: int({ min: 0 }),
  end_time: int({ min: 0 }),
  value_grouping_window: oneOf(["day", "hour"]).optional(),
});

const meterEventSchema = obj({
  event_name: str({ max: 100 }),
  payload: z.record(z.string(), z.string()),
  identifier: str({ max: 100 }).optional(),
  timestamp: int({ min: 0 }).optional(),
});

const GROUPING = { hour: 3600, day: 86_400 } as const;

/** Summaries over `[start_time, end_time)`, one per grouping window (newest first) or one in all. */
function eventSummaries(
  ctx: Ctx,
  meter: Stripe.Billing.Meter,
  p: z.output<typeof summariesSchema>,
): Stripe.ApiList<Stripe.Billing.MeterEventSummary> {
  const step = p.value_grouping_window ? GROUPING[p.value_grouping_window] : 60;
  for (const param of ["start_time", "end_time"] as const) {
    if (p[param] % step !== 0) {
      const unit = p.value_grouping_window ?? "minute";
      throw invalidParam(param, `${param} must be aligned with ${unit} boundaries.`);
    }
  }
  if (p.end_time <= p.start_time) {
    throw invalidParam("end_time", "end_time must be after start_time.");
  }
  mustGet<Stripe.Customer>(ctx, "customer", p.customer, "customer");
  const windows: { start: number; end: number }[] = [];
  if (!p.value_grouping_window) windows.push({ start: p.start_time, end: p.end_time });
  else
    for (let s = p.end_time - step; s >= p.start_time; s -= step)
      windows.push({ start: s, end: s + step });
  const summaries = windows.map(({ start, end }): Stripe.Billing.MeterEventSummary => ({
    // Stable across calls so cursors keep working.
    id: `mtrusg_${createHash("sha256").update(`${meter.id}:${p.customer}:${start}:${end}`).digest("hex").slice(0, 24)}`,
    object: "billing.meter_event_summary",
    aggregated_value: aggregateUsage(ctx, meter, p.customer, start, end),
    end_time: end,
    livemode: false,
    meter: meter.id,
    start_time: start,
  }));
  return paginate(summaries, p, `/v1/billing/meters/${meter.id}/event_summaries`);
}

export const billingMetersModule: EmulatorModule = {
  name: "billing_meters",
  routes: [
    {
      method: "POST",
      path: "/v1/billing/meters",
      handler: (ctx, req) => createMeter(ctx, parseParams(createSchema, req.params)),
    },
    {
      method: "GET",
      path: "/v1/billing/meters",
      handler: (ctx, req) => {
        const p = parseParams(
          obj({ ...listShape, status: oneOf(["active", "inactive"]).optional() }),
          req.params,
        );
        return listObjects<Stripe.Billing.Meter>(ctx, METER, p, "/v1/billing/meters", {
          where: (m) => p.status === undefined || m.status === p.status,
        });
      },
    },
    {
      method: "GET",
      path: "/v1/billing/meters/:id",
      handler: (ctx, req) => getMeter(ctx, req.pathParams.id ?? ""),
    },
    {
      method: "POST",
      path: "/v1/billing/meters/:id",
      handler: (ctx, req) => {
        const meter = getMeter(ctx, req.pathParams.id ?? "");
        const p = parseParams(obj({ display_name: str({ max: 250 }).optional() }), req.params);
        if (p.display_name === undefined || p.display_name === meter.display_name) return meter;
        const next = { ...meter, display_name: p.display_name, updated: ctx.now() };
        return saveAndEmitUpdate(ctx, "billing.meter.updated", meter, next);
      },
    },
    {
      method: "POST",
      path: "/v1/billing/meters/:id/deactivate",
      handler: (ctx, req) =>
        setMeterStatus(ctx, getMeter(ctx, req.pathParams.id ?? ""), "inactive"),
    },
    {
      method: "POST",
      path: "/v1/billing/meters/:id/reactivate",
      handler: (ctx, req) => setMeterStatus(ctx, getMeter(ctx, req.pathParams.id ?? ""), "active"),
    },
    {
      method: "GET",
      path: "/v1/billing/meters/:id/event_summaries",
      handler: (ctx, req) =>
        eventSummaries(
          ctx,
          getMeter(ctx, req.pathParams.id ?? ""),
          parseParams(summariesSchema, req.params),
        ),
    },
    {
      method: "POST",
      path: "/v1/billing/meter_events",
      handler: (ctx, req) => recordMeterEvent(ctx, parseParams(meterEventSchema, req.params)),
    },
  ],
};
