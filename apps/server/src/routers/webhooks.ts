import {
  listWebhookEvents,
  retryDeadWebhookEvents,
  retryWebhookEvent,
  webhookEventById,
  webhookStats,
} from "@folio/billing";
import { WEBHOOK_EVENT_STATUSES } from "@folio/db";
import { z } from "zod";
import { decodeCursor, pageInput, toPage } from "../lib/pagination.ts";
import { router, staffProcedure } from "../trpc.ts";

const cursorSchema = z.object({ receivedAt: z.number().int(), id: z.string() });
const eventId = z.object({ id: z.string().min(1).max(255) });
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const listInput = pageInput.extend({
  type: z
    .string()
    .max(200)
    .regex(/^[a-z0-9_.]+\*?$/i, "type must be an event type, optionally ending in *")
    .optional(),
  status: z.enum(WEBHOOK_EVENT_STATUSES).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/** Webhook health for staff: the inbox, one event in detail, retries, lag and failures. */
export const webhooksRouter = router({
  list: staffProcedure("webhooks.read")
    .input(listInput.default({ limit: 25 }))
    .query(({ ctx, input }) => {
      const rows = listWebhookEvents(ctx.db, {
        limit: input.limit,
        after: input.cursor ? decodeCursor(input.cursor, cursorSchema) : null,
        ...(input.type ? { type: input.type } : {}),
        ...(input.status ? { status: input.status } : {}),
        ...(input.from ? { from: new Date(input.from) } : {}),
        ...(input.to ? { to: new Date(input.to) } : {}),
      });
      return toPage(
        rows,
        input.limit,
        (r) => ({ receivedAt: r.receivedAt.getTime(), id: r.id }),
        (r) => ({
          id: r.id,
          type: r.type,
          status: r.status,
          objectId: r.objectId,
          objectType: r.objectType,
          attempts: r.attempts,
          created: r.created.toISOString(),
          receivedAt: r.receivedAt.toISOString(),
          appliedAt: iso(r.appliedAt),
          nextAttemptAt: iso(r.nextAttemptAt),
          lastError: r.lastError,
        }),
      );
    }),

  byId: staffProcedure("webhooks.read")
    .input(eventId)
    .query(({ ctx, input }) => {
      const e = webhookEventById(ctx.db, input.id);
      return {
        id: e.id,
        type: e.type,
        status: e.status,
        apiVersion: e.apiVersion,
        livemode: e.livemode,
        objectId: e.objectId,
        objectType: e.objectType,
        attempts: e.attempts,
        lastError: e.lastError,
        created: e.created.toISOString(),
        receivedAt: e.receivedAt.toISOString(),
        appliedAt: iso(e.appliedAt),
        nextAttemptAt: iso(e.nextAttemptAt),
        lastFailedAt: iso(e.lastFailedAt),
        payload: e.payload,
        payloadPruned: e.payloadPruned,
      };
    }),

  retry: staffProcedure("webhooks.retry")
    .input(eventId)
    .mutation(({ ctx, input }) => retryWebhookEvent(ctx.db, ctx.clock, input.id)),

  retryDead: staffProcedure("webhooks.retry").mutation(({ ctx }) =>
    retryDeadWebhookEvents(ctx.db, ctx.clock),
  ),

  stats: staffProcedure("webhooks.read").query(({ ctx }) => {
    const s = webhookStats(ctx.db, ctx.clock);
    return {
      byStatus: s.byStatus,
      oldestDueAt: iso(s.oldestDueAt),
      lagSeconds: s.lagSeconds,
      failedLast24h: s.failedLast24h,
    };
  }),
});
