import type Stripe from "stripe";
import { resourceMissing } from "./errors.ts";
import type { ListQuery } from "./store.ts";
import type { Ctx } from "./types.ts";

export interface ListParams {
  limit?: number | undefined;
  starting_after?: string | undefined;
  ending_before?: string | undefined;
}

/**
 * Cursor pagination over a newest-first array, as Stripe does it: `starting_after` gives
 * the page after that id, `ending_before` the page just before it, `has_more` says whether
 * more exist in the direction of travel.
 */
export function paginate<T extends { id: string }>(
  items: readonly T[],
  params: ListParams,
  url: string,
): Stripe.ApiList<T> {
  const limit = params.limit ?? 10;
  if (params.ending_before !== undefined) {
    const index = items.findIndex((o) => o.id === params.ending_before);
    if (index < 0) throw resourceMissing("object", params.ending_before, "ending_before");
    const start = Math.max(0, index - limit);
    return { object: "list", data: items.slice(start, index), has_more: start > 0, url };
  }
  let start = 0;
  if (params.starting_after !== undefined) {
    const index = items.findIndex((o) => o.id === params.starting_after);
    if (index < 0) throw resourceMissing("object", params.starting_after, "starting_after");
    start = index + 1;
  }
  const data = items.slice(start, start + limit);
  return { object: "list", data, has_more: start + limit < items.length, url };
}

/** List stored objects of `type` (newest first) and paginate them. */
export function listObjects<T extends { id: string }>(
  ctx: Ctx,
  type: string,
  params: ListParams & { created?: ListQuery<T>["created"] },
  url: string,
  query: Omit<ListQuery<T>, "created"> = {},
): Stripe.ApiList<T> {
  const items = ctx.store.list<T>(type, { ...query, created: params.created });
  return paginate(items, params, url);
}
