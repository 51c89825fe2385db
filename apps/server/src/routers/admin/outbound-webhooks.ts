import {
  createEndpoint,
  deliveryById,
  endpointInput,
  listDeliveries,
  listEndpoints,
  replayDelivery,
  rotateEndpointSecret,
  updateEndpoint,
  updateEndpointInput,
  WEBHOOK_DELIVERY_STATUSES,
} from "@folio/billing";
import { z } from "zod";
import { listInput } from "../../lib/list-input.ts";
import { webhookUrlPolicy } from "../../outbound-urls.ts";
import { router, staffProcedure } from "../../trpc.ts";

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const byId = z.object({ id: z.string().min(1).max(64) });

/** The merchant's own webhook endpoints (secrets shown on create and rotate only) and the log of
 * what Folio sent them. */
export const outboundWebhooksRouter = router({
  endpoints: staffProcedure("webhookEndpoints.read")
    .input(listInput({}))
    .query(async ({ ctx, input }) => {
      const page = await listEndpoints(ctx.db, input);
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((e) => ({
          ...e,
          previousSecretExpiresAt: iso(e.previousSecretExpiresAt),
          createdAt: e.createdAt.toISOString(),
          updatedAt: e.updatedAt.toISOString(),
        })),
      };
    }),

  create: staffProcedure("webhookEndpoints.manage")
    .input(endpointInput)
    .mutation(({ ctx, input }) =>
      createEndpoint(
        { db: ctx.db, clock: ctx.clock, actor: ctx.actor, urls: webhookUrlPolicy(ctx.env) },
        input,
      ),
    ),

  update: staffProcedure("webhookEndpoints.manage")
    .input(updateEndpointInput)
    .mutation(async ({ ctx, input }) => {
      const e = await updateEndpoint(
        { db: ctx.db, clock: ctx.clock, actor: ctx.actor, urls: webhookUrlPolicy(ctx.env) },
        input,
      );
      return { id: e.id, url: e.url, eventTypes: e.eventTypes, enabled: e.enabled };
    }),

  rotateSecret: staffProcedure("webhookEndpoints.manage")
    .input(byId)
    .mutation(async ({ ctx, input }) => {
      const r = await rotateEndpointSecret(
        { db: ctx.db, clock: ctx.clock, actor: ctx.actor },
        input.id,
      );
      return { ...r, previousSecretExpiresAt: r.previousSecretExpiresAt.toISOString() };
    }),

  deliveries: staffProcedure("webhookEndpoints.read")
    .input(
      listInput({
        endpointId: z.string().max(64).optional(),
        status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const page = await listDeliveries(ctx.db, input);
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((d) => ({
          ...d,
          lastAttemptAt: iso(d.lastAttemptAt),
          nextAttemptAt: iso(d.nextAttemptAt),
          deliveredAt: iso(d.deliveredAt),
          createdAt: d.createdAt.toISOString(),
        })),
      };
    }),

  delivery: staffProcedure("webhookEndpoints.read")
    .input(byId)
    .query(async ({ ctx, input }) => {
      const d = await deliveryById(ctx.db, input.id);
      return {
        ...d,
        lastAttemptAt: iso(d.lastAttemptAt),
        nextAttemptAt: iso(d.nextAttemptAt),
        deliveredAt: iso(d.deliveredAt),
        createdAt: d.createdAt.toISOString(),
        attempts: d.attempts.map((a) => ({ ...a, at: a.at.toISOString() })),
      };
    }),

  replay: staffProcedure("webhookEndpoints.manage")
    .input(byId)
    .mutation(({ ctx, input }) =>
      replayDelivery({ db: ctx.db, clock: ctx.clock, actor: ctx.actor }, input.id),
    ),
});
