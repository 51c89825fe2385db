// What an event's `data.object` looks like: the object as the API renders it, except that
// embedded lists stop after their first page, as in Stripe. An invoice's `lines` and a
// subscription's `items` show the first 10 entries with `has_more: true` (and their `url`),
// so a receiver with more than that must fetch the rest (`GET /v1/invoices/:id/lines`,
// `GET /v1/subscription_items?subscription=…`).

/** Stripe's page size for lists embedded in an object. */
export const EMBEDDED_LIST_PAGE = 10;

const EMBEDDED_LISTS: Record<string, string> = { invoice: "lines", subscription: "items" };

interface ListShape {
  object: "list";
  data: unknown[];
  has_more: boolean;
}

const isList = (v: unknown): v is ListShape =>
  typeof v === "object" &&
  v !== null &&
  (v as { object?: unknown }).object === "list" &&
  Array.isArray((v as { data?: unknown }).data);

/** A copy of `object` for an event payload, its embedded list cut to the first page. */
export function eventPayloadObject<T extends object>(object: T): T {
  const copy = structuredClone(object) as T & Record<string, unknown>;
  const field = EMBEDDED_LISTS[String(copy.object)];
  const list = field ? copy[field] : undefined;
  if (field && isList(list) && list.data.length > EMBEDDED_LIST_PAGE) {
    (copy as Record<string, unknown>)[field] = {
      ...list,
      data: list.data.slice(0, EMBEDDED_LIST_PAGE),
      has_more: true,
    };
  }
  return copy;
}
