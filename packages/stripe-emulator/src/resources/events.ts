import type Stripe from "stripe";
import { z } from "zod";
import { resourceMissing } from "../core/errors.ts";
import { paginate } from "../core/list.ts";
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
        const events = ctx.store
          .list<StoredObject & { type: string }>("event", {
            created: p.created,
            where: (e) =>
              (p.type === undefined || typeMatches(p.type, e.type)) &&
              (p.types === undefined || p.types.some((t) => typeMatches(t, e.type))),
          })
          .map((e) => ctx.core.renderEvent(e.id) as Stripe.Event)
          .filter(
            (e) =>
              p.delivery_success === undefined ||
              (p.delivery_success ? e.pending_webhooks === 0 : e.pending_webhooks > 0),
          );
        return paginate(events, p, "/v1/events");
      },
    },
  ],
};
