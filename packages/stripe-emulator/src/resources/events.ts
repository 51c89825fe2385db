import type Stripe from "stripe";
import { z } from "zod";
import { invalidRequest, resourceMissing } from "../core/errors.ts";
import { listObjects } from "../core/list.ts";
import { bool, list, listShape, obj, parseParams } from "../core/params.ts";
import type { StoredObject } from "../core/store.ts";
import type { EmulatorModule } from "../core/types.ts";

const listSchema = obj({
  ...listShape,
  type: z.string().optional(),
  types: list(z.string()).optional(),
  delivery_success: bool().optional(),
});

/** `type` accepts Stripe's wildcard form (`invoice.*`). */
function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith(".*") ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

export const eventsModule: EmulatorModule = {
  name: "events",
  routes: [
    {
      method: "GET",
      path: "/v1/events/:id",
      handler: (ctx, req) => {
        const id = req.pathParams.id ?? "";
        const event = ctx.core.renderEvent(id);
        if (!event) throw resourceMissing("event", id);
        return event;
      },
    },
    {
      method: "GET",
      path: "/v1/events",
      handler: (ctx, req) => {
        const p = parseParams(listSchema, req.params);
        if (p.type !== undefined && p.types !== undefined) {
          throw invalidRequest("You may only specify one of these parameters: type, types.", {
            code: "parameters_exclusive",
            param: "types",
          });
        }
        // One query for delivery state; pending_webhooks is only rendered for the page.
        const undelivered =
          p.delivery_success === undefined
            ? undefined
            : new Set(
                (
                  ctx.store.db
                    .prepare("SELECT DISTINCT event_id FROM deliveries WHERE status != 'succeeded'")
                    .all() as { event_id: string }[]
                ).map((r) => r.event_id),
              );
        const events = listObjects<StoredObject & { type: string }>(ctx, "event", p, "/v1/events", {
          where: (e) =>
            (p.type === undefined || typeMatches(p.type, e.type)) &&
            (p.types === undefined || p.types.some((t) => typeMatches(t, e.type))) &&
            (undelivered === undefined || undelivered.has(e.id) !== p.delivery_success),
        });
        return {
          ...events,
          data: events.data.map((e) => ctx.core.renderEvent(e.id) as Stripe.Event),
        };
      },
    },
  ],
};
