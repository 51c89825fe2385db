import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam, invalidRequest, missingParam } from "../core/errors.ts";
import { listObjects } from "../core/list.ts";
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
  parseParams,
  rangeFilter,
  str,
  inRange,
} from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { clockOf } from "../core/util.ts";
import type { PhaseInput } from "../billing/schedule-phases.ts";
import "../billing/schedule-preview.ts";
import {
  getSchedule,
  type DefaultSettingsInput,
  type EndBehavior,
} from "../billing/schedule-lifecycle.ts";
import {
  advanceSchedule,
  cancelSchedule,
  createFromSubscription,
  createWithPhases,
  releaseSchedule,
  runExpiring,
  updateSchedule,
} from "../billing/schedules.ts";
import { itemPrice } from "./subscriptions/items.ts";
import { priceDataParam } from "./subscriptions/params.ts";

/** Phase and schedule params Stripe has that the emulator does not model (400 naming them). */
const NOT_EMULATED_PHASE = [
  "add_invoice_items",
  "application_fee_percent",
  "automatic_tax",
  "billing_thresholds",
  "default_tax_rates",
  "discounts",
  "invoice_settings",
  "on_behalf_of",
  "transfer_data",
  "trial",
  "trial_end",
] as const;
const NOT_EMULATED_SCHEDULE = ["billing_mode", "customer_account", "pause_schedules"] as const;

const unmodelled = <const K extends readonly string[]>(keys: K) =>
  Object.fromEntries(keys.map((k) => [k, z.unknown().optional()])) as Record<
    K[number],
    z.ZodOptional<z.ZodUnknown>
  >;

const phaseItem = () =>
  obj({
    price: z.string().optional(),
    plan: z.string().optional(),
    price_data: priceDataParam().optional(),
    quantity: int({ min: 0 }).optional(),
    metadata: metadata().optional(),
  });

const timeOrNow = () => z.union([z.literal("now"), int()]);

const phaseShape = {
  items: list(phaseItem()),
  duration: obj({
    interval: oneOf(["day", "week", "month", "year"]),
    interval_count: int({ min: 1 }).optional(),
  }).optional(),
  proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
  billing_cycle_anchor: oneOf(["automatic", "phase_start"]).optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
  default_payment_method: z.string().optional(),
  description: emptyable(str({ max: 500 })).optional(),
  metadata: metadata().optional(),
  currency: currency().optional(),
  ...unmodelled(NOT_EMULATED_PHASE),
};

const createPhase = () => obj({ ...phaseShape, end_date: int().optional() });
/** An update's (and a preview's `schedule_details`) phase: `start_date` / `end_date` may be `now`. */
export const schedulePhaseParam = () =>
  obj({ ...phaseShape, start_date: timeOrNow().optional(), end_date: timeOrNow().optional() });

type PhaseParam = z.output<ReturnType<typeof schedulePhaseParam>>;

const endBehavior = () => oneOf(["cancel", "none", "release", "renew"]);

const defaultSettingsParam = () =>
  obj({
    collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
    default_payment_method: z.string().optional(),
    description: emptyable(str({ max: 500 })).optional(),
    invoice_settings: obj({ days_until_due: int({ min: 0 }).optional() }).optional(),
  });

const createSchema = obj({
  customer: z.string().optional(),
  from_subscription: z.string().optional(),
  phases: list(createPhase()).optional(),
  start_date: timeOrNow().optional(),
  end_behavior: endBehavior().optional(),
  metadata: metadata().optional(),
  default_settings: defaultSettingsParam().optional(),
  ...unmodelled(NOT_EMULATED_SCHEDULE),
});

const updateSchema = obj({
  phases: list(schedulePhaseParam()).optional(),
  end_behavior: endBehavior().optional(),
  metadata: metadata().optional(),
  proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
  default_settings: defaultSettingsParam().optional(),
  pause_schedules: z.unknown().optional(),
});

const listSchema = obj({
  ...listShape,
  customer: z.string().optional(),
  scheduled: bool().optional(),
  canceled_at: rangeFilter().optional(),
  completed_at: rangeFilter().optional(),
  released_at: rangeFilter().optional(),
});

function refuse(params: Record<string, unknown>, keys: readonly string[], prefix: string): void {
  for (const key of keys) {
    if (params[key] !== undefined) {
      const name = prefix ? `${prefix}[${key}]` : key;
      throw invalidParam(name, `${name} is not emulated by @folio/stripe-emulator.`);
    }
  }
}

/** `end_behavior`: `none` and `renew` are legacy values Stripe keeps for old integrations. */
export function checkEndBehavior(
  value: string | undefined,
  param: string,
): EndBehavior | undefined {
  if (value === "none" || value === "renew")
    throw invalidParam(
      param,
      `end_behavior=${value} is a legacy value that is not emulated; use release or cancel.`,
    );
  return value as EndBehavior | undefined;
}

/** Resolves phase params (price ids, inline `price_data`) to `PhaseInput`s. */
export function toPhaseInputs(ctx: Ctx, phases: PhaseParam[], param: string): PhaseInput[] {
  return phases.map((ph, i) => {
    const P = `${param}[${i}]`;
    refuse(ph, NOT_EMULATED_PHASE, P);
    if (ph.collection_method === "send_invoice")
      throw invalidParam(
        `${P}[collection_method]`,
        "A phase switching to send_invoice is not emulated; set default_settings[collection_method] instead.",
      );
    return {
      items: ph.items.map((it, n) => {
        const base = `${P}[items][${n}]`;
        const price = itemPrice(
          ctx,
          { price: it.price ?? it.plan, price_data: it.price_data },
          base,
        );
        if (price === undefined) throw missingParam(`${base}[price]`);
        return { price, quantity: it.quantity, metadata: it.metadata };
      }),
      start_date: ph.start_date,
      end_date: ph.end_date,
      duration: ph.duration,
      proration_behavior: ph.proration_behavior,
      billing_cycle_anchor: ph.billing_cycle_anchor,
      collection_method: ph.collection_method,
      default_payment_method: ph.default_payment_method,
      description: ph.description,
      metadata: ph.metadata,
      currency: ph.currency,
    };
  });
}

function settings(
  p: z.output<ReturnType<typeof defaultSettingsParam>> | undefined,
): DefaultSettingsInput | undefined {
  if (!p) return undefined;
  return {
    collection_method: p.collection_method,
    default_payment_method: p.default_payment_method,
    description: p.description,
    days_until_due: p.invoice_settings?.days_until_due,
  };
}

export const subscriptionSchedulesModule: EmulatorModule = {
  name: "subscription_schedules",
  routes: [
    {
      method: "POST",
      path: "/v1/subscription_schedules",
      handler: (ctx, req) => {
        const p = parseParams(createSchema, req.params);
        refuse(p, NOT_EMULATED_SCHEDULE, "");
        if (p.from_subscription !== undefined) {
          // Stripe: other parameters (such as phases) cannot be set with from_subscription.
          for (const key of [
            "customer",
            "phases",
            "start_date",
            "end_behavior",
            "default_settings",
          ] as const) {
            if (p[key] !== undefined)
              throw invalidRequest(`You cannot set \`${key}\` when \`from_subscription\` is set.`, {
                param: key,
              });
          }
          return createFromSubscription(ctx, p.from_subscription, p.metadata);
        }
        if (p.customer === undefined) throw missingParam("customer");
        if (p.phases === undefined) throw missingParam("phases");
        return createWithPhases(ctx, {
          customer: p.customer,
          phases: toPhaseInputs(ctx, p.phases, "phases"),
          startDate: p.start_date,
          endBehavior: checkEndBehavior(p.end_behavior, "end_behavior"),
          metadata: p.metadata,
          defaultSettings: settings(p.default_settings) ?? {},
        });
      },
    },
    {
      method: "GET",
      path: "/v1/subscription_schedules",
      handler: (ctx, req) => {
        const p = parseParams(listSchema, req.params);
        return listObjects<Stripe.SubscriptionSchedule>(
          ctx,
          "subscription_schedule",
          p,
          "/v1/subscription_schedules",
          {
            ...(p.customer !== undefined ? { customer: p.customer } : {}),
            where: (s) =>
              // Without `customer`, schedules of test-clock customers are left out (as Stripe does).
              (p.customer !== undefined || clockOf(s) === null) &&
              (p.scheduled === undefined || (s.status === "not_started") === p.scheduled) &&
              inRange(s.canceled_at, p.canceled_at) &&
              inRange(s.completed_at, p.completed_at) &&
              inRange(s.released_at, p.released_at),
          },
        );
      },
    },
    {
      method: "GET",
      path: "/v1/subscription_schedules/:id",
      handler: (ctx, req) => getSchedule(ctx, req.pathParams.id ?? ""),
    },
    {
      method: "POST",
      path: "/v1/subscription_schedules/:id",
      handler: (ctx, req) => {
        const p = parseParams(updateSchema, req.params);
        if (p.pause_schedules !== undefined)
          throw invalidParam(
            "pause_schedules",
            "pause_schedules is not emulated by @folio/stripe-emulator.",
          );
        return updateSchedule(ctx, req.pathParams.id ?? "", {
          phases: p.phases ? toPhaseInputs(ctx, p.phases, "phases") : undefined,
          end_behavior: checkEndBehavior(p.end_behavior, "end_behavior"),
          metadata: p.metadata,
          proration_behavior: p.proration_behavior,
          default_settings: settings(p.default_settings),
        });
      },
    },
    {
      method: "POST",
      path: "/v1/subscription_schedules/:id/cancel",
      handler: (ctx, req) => {
        const p = parseParams(
          obj({ invoice_now: bool().optional(), prorate: bool().optional() }),
          req.params,
        );
        return cancelSchedule(ctx, req.pathParams.id ?? "", {
          invoiceNow: p.invoice_now,
          prorate: p.prorate,
        });
      },
    },
    {
      method: "POST",
      path: "/v1/subscription_schedules/:id/release",
      handler: (ctx, req) => {
        const p = parseParams(obj({ preserve_cancel_date: bool().optional() }), req.params);
        return releaseSchedule(ctx, req.pathParams.id ?? "", {
          preserveCancelDate: p.preserve_cancel_date,
        });
      },
    },
  ],
  jobs: {
    "subscription_schedule.advance": (ctx, payload) =>
      advanceSchedule(ctx, (payload as { schedule: string }).schedule),
    "subscription_schedule.expiring": (ctx, payload) => {
      const p = payload as { schedule: string; end: number };
      runExpiring(ctx, p.schedule, p.end);
    },
  },
};
