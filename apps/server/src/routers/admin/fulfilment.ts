import {
  assignShippingTasks,
  assignTasksInput,
  KNOWN_CARRIERS,
  listShippingTasks,
  moveShippingTasks,
  moveTasksInput,
  setShippingTaskNotes,
  setTaskNotesInput,
  shippingQueueCounts,
  shippingQueueFilters,
  shippingTaskById,
  shipTask,
  shipTaskInput,
  type FulfilmentTask,
} from "@folio/billing";
import { z } from "zod";
import { listInput } from "../../lib/list-input.ts";
import { router, staffProcedure } from "../../trpc.ts";
import { withIsoDates } from "./dates.ts";

import type { Context, StaffActor } from "../../context.ts";

const deps = (ctx: Pick<Context, "db" | "clock"> & { actor: StaffActor }) => ({
  db: ctx.db,
  clock: ctx.clock,
  actor: ctx.actor,
});

/**
 * The one shape fulfilment responses use: the goods, the ship-to and the task's progress. Fields
 * are picked one by one so nothing else (amounts, e-mail, payment) can slip through;
 * fulfilment.test.ts walks every response to prove it.
 */
function taskView(t: FulfilmentTask) {
  return withIsoDates({
    id: t.id,
    orderId: t.orderId,
    status: t.status,
    assignee: t.assignee,
    items: t.items.map((i) => ({ description: i.description, quantity: i.quantity })),
    shipTo: {
      name: t.shipTo.name,
      phone: t.shipTo.phone,
      line1: t.shipTo.line1,
      line2: t.shipTo.line2,
      city: t.shipTo.city,
      state: t.shipTo.state,
      postalCode: t.shipTo.postalCode,
      country: t.shipTo.country,
    },
    notes: t.notes,
    carrier: t.carrier,
    trackingNumber: t.trackingNumber,
    trackingUrl: t.trackingUrl,
    cancelReason: t.cancelReason,
    placedAt: t.placedAt,
    createdAt: t.createdAt,
    assignedAt: t.assignedAt,
    pickingAt: t.pickingAt,
    packedAt: t.packedAt,
    shippedAt: t.shippedAt,
    deliveredAt: t.deliveredAt,
    canceledAt: t.canceledAt,
  });
}

/** The shipping queue (orders.fulfill): fulfilment staff and admins. */
export const fulfilmentRouter = router({
  /** Tasks by state (open by default), oldest first, with items and ship-to. */
  list: staffProcedure("orders.fulfill")
    .input(listInput(shippingQueueFilters))
    .query(async ({ ctx, input }) => {
      const page = await listShippingTasks(ctx.db, ctx.actor.userId, input);
      return { nextCursor: page.nextCursor, items: page.items.map(taskView) };
    }),

  /** How many tasks wait in each open state. */
  counts: staffProcedure("orders.fulfill").query(({ ctx }) => shippingQueueCounts(ctx.db)),

  /** One task: the packing slip. */
  byId: staffProcedure("orders.fulfill")
    .input(z.object({ taskId: z.string().trim().min(1).max(100) }))
    .query(async ({ ctx, input }) => taskView(await shippingTaskById(ctx.db, input.taskId))),

  /** Carriers whose tracking link Folio builds from the number. */
  carriers: staffProcedure("orders.fulfill").query(() =>
    Object.entries(KNOWN_CARRIERS).map(([code, c]) => ({ code, name: c.name })),
  ),

  /** Moves tasks to pending, picking, packed or delivered: all or nothing (see the error). */
  move: staffProcedure("orders.fulfill")
    .input(moveTasksInput)
    .mutation(({ ctx, input }) => moveShippingTasks(deps(ctx), input)),

  /** Ships a packed task: carrier and tracking number required. */
  ship: staffProcedure("orders.fulfill")
    .input(shipTaskInput)
    .mutation(({ ctx, input }) => shipTask(deps(ctx), input)),

  /** Assigns tasks to the caller, or back to nobody. */
  assign: staffProcedure("orders.fulfill")
    .input(assignTasksInput)
    .mutation(({ ctx, input }) => assignShippingTasks(deps(ctx), input)),

  setNotes: staffProcedure("orders.fulfill")
    .input(setTaskNotesInput)
    .mutation(({ ctx, input }) => setShippingTaskNotes(deps(ctx), input)),
});
