import {
  listWebhookEvents,
  retryDeadWebhookEvents,
  retryWebhookEvent,
  webhookEventById,
  webhookStats,
} from "@folio/billing";
import { WEBHOOK_EVENT_STATUSES } from "@folio/db";
import { z } from "zod";
import { listInput } from "../../lib/list-input.ts";
import { router, staffProcedure } from "../../trpc.ts";

const eventId = z.object({ id: z.string().min(1).max(255) });
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const webhooksListInput = listInput({
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
  /** The inbox, newest received first; the payload only in `byId`. */
  list: staffProcedure("webhooks.read")
    .input(webhooksListInput)
    .query(async ({ ctx, input }) => {
      const page = await listWebhookEvents(ctx.db, {
        limit: input.limit,
        cursor: input.cursor,
        ...(input.type ? { type: input.type } : {}),
        ...(input.status ? { status: input.status } : {}),
        ...(input.from ? { from: new Date(input.from) } : {}),
        ...(input.to ? { to: new Date(input.to) } : {}),
      });
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((r) => ({
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
        })),
      };
    }),

  byId: staffProcedure("webhooks.read")
    .input(eventId)
    .query(async ({ ctx, input }) => {
      const e = await webhookEventById(ctx.db, input.id);
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
    .mutation(({ ctx, input }) => retryWebhookEvent(ctx.db, ctx.clock, input.id, ctx.actor)),

  retryDead: staffProcedure("webhooks.retry").mutation(({ ctx }) =>
    retryDeadWebhookEvents(ctx.db, ctx.clock, ctx.actor),
  ),

  stats: staffProcedure("webhooks.read").query(async ({ ctx }) => {
    const s = await webhookStats(ctx.db, ctx.clock);
    return {
      byStatus: s.byStatus,
      oldestDueAt: iso(s.oldestDueAt),
      lagSeconds: s.lagSeconds,
      waiting: s.waiting,
      oldestUnappliedAt: iso(s.oldestUnappliedAt),
      unappliedLagSeconds: s.unappliedLagSeconds,
      failedLast24h: s.failedLast24h,
      stripeUnreachableSince: iso(s.stripeUnreachableSince),
    };
  }),
});
