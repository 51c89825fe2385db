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
 * more exist in the direction of travel. Stored objects page in the store (`listObjects`).
 */
export function paginate<T extends { id: string }>(
  items: readonly T[],
  params: ListParams,
  url: string,
): Stripe.ApiList<T> {
  const limit = params.limit ?? 10;
  const locate = (cursor: string, param: string, after: boolean): number => {
    const index = items.findIndex((o) => o.id === cursor);
    if (index < 0) throw resourceMissing("object", cursor, param);
    return after ? index + 1 : index;
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

/** Stored objects of `type` (newest first), one page of them. */
export function listObjects<T extends { id: string }>(
  ctx: Ctx,
  type: string,
  params: ListParams & { created?: ListQuery<T>["created"] },
  url: string,
  query: Omit<ListQuery<T>, "created"> = {},
): Stripe.ApiList<T> {
  const page = ctx.store.page<T>(
    type,
    { ...query, created: params.created },
    {
      limit: params.limit ?? 10,
      startingAfter: params.starting_after,
      endingBefore: params.ending_before,
    },
  );
  if (!page) {
    const [cursor, param] =
      params.ending_before !== undefined
        ? [params.ending_before, "ending_before"]
        : [params.starting_after ?? "", "starting_after"];
    throw resourceMissing("object", cursor, param);
  }
  return { object: "list", data: page.data, has_more: page.hasMore, url };
}
