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
 * more exist in the direction of travel. `rankOf` places a cursor that is not in `items`
 * (deleted or filtered out since the previous page) by its position in the full ordering,
 * so paging on while deleting keeps working.
 */
export function paginate<T extends { id: string }>(
  items: readonly T[],
  params: ListParams,
  url: string,
  rankOf?: (id: string) => number | undefined,
): Stripe.ApiList<T> {
  const limit = params.limit ?? 10;
  const locate = (cursor: string, param: string, after: boolean): number => {
    const index = items.findIndex((o) => o.id === cursor);
    if (index >= 0) return after ? index + 1 : index;
    const rank = rankOf?.(cursor);
    if (rank === undefined) throw resourceMissing("object", cursor, param);
    // First item ranked after the cursor (items are in rank order).
    const next = items.findIndex((o) => (rankOf?.(o.id) ?? -1) > rank);
    return next < 0 ? items.length : next;
  };
  if (params.ending_before !== undefined) {
    const end = locate(params.ending_before, "ending_before", false);
    const start = Math.max(0, end - limit);
    return { object: "list", data: items.slice(start, end), has_more: start > 0, url };
  }
  const start =
    params.starting_after !== undefined ? locate(params.starting_after, "starting_after", true) : 0;
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
  const cursor = params.starting_after ?? params.ending_before;
  const ranks = cursor !== undefined ? ctx.store.ranks(type) : undefined;
  return paginate(items, params, url, ranks ? (id) => ranks.get(id) : undefined);
}
