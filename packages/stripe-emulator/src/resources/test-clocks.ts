import type Stripe from "stripe";
import type { EmulatorCore } from "../core/emulator.ts";
import { invalidParam, invalidRequest, resourceMissing } from "../core/errors.ts";
import { listObjects } from "../core/list.ts";
import { int, listShape, obj, parseParams, str } from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { replaceWithDeletedStub } from "../core/util.ts";
import { addIntervals } from "../billing/time.ts";

const TYPE = "test_helpers.test_clock";

function getClock(ctx: Ctx, id: string): Stripe.TestHelpers.TestClock {
  const clock = ctx.store.getTyped<Stripe.TestHelpers.TestClock>(TYPE, id);
  if (!clock || (clock as { deleted?: boolean }).deleted) throw resourceMissing("test clock", id);
  return clock;
}

/** Advances running in this process (one per clock). */
const inFlight = new Set<string>();

function startAdvance(core: EmulatorCore, clockId: string, target: number): void {
  inFlight.add(clockId);
  setImmediate(() => {
    try {
      runAdvance(core, clockId, target);
    } finally {
      inFlight.delete(clockId);
    }
  });
}

/** Stripe: at most two intervals of the shortest subscription on the clock, else two years. */
function advanceLimit(ctx: Ctx, clock: Stripe.TestHelpers.TestClock): number {
  const subs = ctx.store.list<Stripe.Subscription>("subscription", {
    where: (s) =>
      s.test_clock === clock.id && s.status !== "canceled" && s.status !== "incomplete_expired",
  });
  let limit = addIntervals(clock.frozen_time, "year", 2, 1);
  for (const sub of subs) {
    const r = sub.items.data[0]?.price.recurring;
    if (r)
      limit = Math.min(limit, addIntervals(clock.frozen_time, r.interval, r.interval_count, 2));
  }
  return limit;
}

/**
 * Runs an advance after the request that started it has committed: every job of the clock
 * due up to the target runs at its own time (the clock's `frozen_time` moves along), then
 * the clock is `ready` again. Like Stripe, it is asynchronous: poll until `status: ready`.
 */
export function runAdvance(core: EmulatorCore, clockId: string, target: number): void {
  const stillAdvancing = () =>
    core.run((ctx) => {
      const clock = ctx.store.getTyped<Stripe.TestHelpers.TestClock>(TYPE, clockId);
      return (
        clock?.status === "advancing" &&
        clock.status_details.advancing?.target_frozen_time === target
      );
    });
  if (!core.store.db.open || !stillAdvancing()) return;
  const moveTo = (t: number) =>
    core.run((ctx) => {
      const clock = ctx.store.getTyped<Stripe.TestHelpers.TestClock>(TYPE, clockId);
      if (clock && t > clock.frozen_time) ctx.store.update({ ...clock, frozen_time: t });
    });
  try {
    core.runDue(target, clockId, moveTo);
    core.run((ctx) => {
      const clock = ctx.store.getTyped<Stripe.TestHelpers.TestClock>(TYPE, clockId);
      if (!clock) return;
      const ready: Stripe.TestHelpers.TestClock = {
        ...clock,
        frozen_time: target,
        status: "ready",
        status_details: {},
      };
      ctx.store.update(ready);
      ctx.emit("test_helpers.test_clock.ready", ready);
    });
  } catch (error) {
    console.error(`[stripe-emulator] test clock ${clockId} advance failed:`, error);
    core.run((ctx) => {
      const clock = ctx.store.getTyped<Stripe.TestHelpers.TestClock>(TYPE, clockId);
      if (clock) {
        const failed: Stripe.TestHelpers.TestClock = { ...clock, status: "internal_failure" };
        ctx.store.update(failed);
        ctx.emit("test_helpers.test_clock.internal_failure", failed);
      }
    });
  }
}

export const testClocksModule: EmulatorModule = {
  name: "test_clocks",
  routes: [
    {
      method: "POST",
      path: "/v1/test_helpers/test_clocks",
      handler: (ctx, req) => {
        const p = parseParams(
          obj({ frozen_time: int({ min: 0 }), name: str({ max: 300 }).optional() }),
          req.params,
        );
        const now = ctx.now();
        const clock: Stripe.TestHelpers.TestClock = {
          id: ctx.ids.id("clock"),
          object: TYPE,
          created: now,
          deletes_after: now + 30 * 86_400,
          frozen_time: p.frozen_time,
          livemode: false,
          name: p.name ?? null,
          status: "ready",
          status_details: {},
        };
        ctx.store.insert(clock);
        ctx.emit("test_helpers.test_clock.created", clock);
        return clock;
      },
    },
    {
      method: "GET",
      path: "/v1/test_helpers/test_clocks/:id",
      handler: (ctx, req) => {
        const clock = getClock(ctx, req.pathParams.id ?? "");
        // An advance interrupted by a restart of the standalone emulator picks up again.
        const target = clock.status_details.advancing?.target_frozen_time;
        if (clock.status === "advancing" && target !== undefined && !inFlight.has(clock.id)) {
          startAdvance(ctx.core, clock.id, target);
        }
        return clock;
      },
    },
    {
      method: "GET",
      path: "/v1/test_helpers/test_clocks",
      handler: (ctx, req) => {
        const p = parseParams(obj({ ...listShape }), req.params);
        return listObjects<Stripe.TestHelpers.TestClock>(
          ctx,
          TYPE,
          p,
          "/v1/test_helpers/test_clocks",
          {
            where: (c) => (c as { deleted?: boolean }).deleted !== true,
          },
        );
      },
    },
    {
      method: "DELETE",
      path: "/v1/test_helpers/test_clocks/:id",
      handler: (ctx, req) => {
        const clock = getClock(ctx, req.pathParams.id ?? "");
        // Objects on the clock go with it (Stripe deletes them without further events).
        for (const customer of ctx.store.list<Stripe.Customer>("customer", {
          where: (c) => c.test_clock === clock.id,
        })) {
          ctx.store.update({ id: customer.id, object: "customer", deleted: true });
        }
        for (const sub of ctx.store.list<Stripe.Subscription>("subscription", {
          where: (s) => s.test_clock === clock.id && s.status !== "canceled",
        })) {
          ctx.store.update({
            ...sub,
            status: "canceled",
            ended_at: clock.frozen_time,
            canceled_at: sub.canceled_at ?? clock.frozen_time,
          });
        }
        for (const schedule of ctx.store.list<Stripe.SubscriptionSchedule>(
          "subscription_schedule",
          {
            where: (x) =>
              x.test_clock === clock.id && (x.status === "active" || x.status === "not_started"),
          },
        )) {
          ctx.store.update({
            ...schedule,
            status: "canceled",
            canceled_at: clock.frozen_time,
            current_phase: null,
          });
        }
        ctx.store.db
          .prepare("DELETE FROM jobs WHERE clock_id = ? AND status = 'scheduled'")
          .run(clock.id);
        return replaceWithDeletedStub(ctx, "test_helpers.test_clock.deleted", clock);
      },
    },
    {
      method: "POST",
      path: "/v1/test_helpers/test_clocks/:id/advance",
      handler: (ctx, req) => {
        const clock = getClock(ctx, req.pathParams.id ?? "");
        const p = parseParams(obj({ frozen_time: int({ min: 0 }) }), req.params);
        if (clock.status !== "ready") {
          throw invalidRequest("The test clock is already advancing. Wait until it is ready.");
        }
        if (p.frozen_time <= clock.frozen_time) {
          throw invalidParam(
            "frozen_time",
            "The test clock can only move forward: frozen_time must be after its current time.",
          );
        }
        const limit = advanceLimit(ctx, clock);
        if (p.frozen_time > limit) {
          throw invalidParam(
            "frozen_time",
            `Cannot advance more than two intervals of the shortest subscription on this test clock (or two years without subscriptions): frozen_time must be at most ${limit}.`,
          );
        }
        const advancing: Stripe.TestHelpers.TestClock = {
          ...clock,
          status: "advancing",
          status_details: { advancing: { target_frozen_time: p.frozen_time } },
        };
        ctx.store.update(advancing);
        ctx.emit("test_helpers.test_clock.advancing", advancing);
        startAdvance(ctx.core, clock.id, p.frozen_time);
        return advancing;
      },
    },
  ],
};
