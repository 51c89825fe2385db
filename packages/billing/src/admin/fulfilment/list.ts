import {
  InvalidCursorError,
  keysetPage,
  orders,
  SHIPPING_STATUSES,
  shippingTasks,
  type Db,
  type Page,
} from "@folio/db";
import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { OPEN_STATES } from "./states.ts";
import { selectTasks, withItems, type FulfilmentTask } from "./view.ts";

export const shippingQueueFilters = {
  /** A task state, `open` (pending, picking or packed: the default) or `all`. */
  state: z.enum([...SHIPPING_STATUSES, "open", "all"]).default("open"),
  /** `me`: tasks assigned to the caller; `unassigned`: nobody's yet. */
  assignee: z.enum(["me", "unassigned"]).optional(),
  /** An order id (`ord_…`) or the start of the ship-to name, any case. */
  search: z.string().trim().min(1).max(100).optional(),
  /** Oldest first (work the queue in order) unless asked otherwise. */
  direction: z.enum(["asc", "desc"]).default("asc"),
};
const filtersSchema = z.object(shippingQueueFilters);
export type ShippingQueueFilters = z.input<typeof filtersSchema>;

/** A LIKE prefix with the wildcards in `text` taken literally. */
export function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, "\\$&")}%`;
}

/**
 * The fulfilment queue, one keyset page at a time (sorted by when the task was created, id as
 * tiebreak): the index on (status, created_at, id) serves each state.
 */
export async function listShippingTasks(
  db: Db,
  userId: string,
  input: ShippingQueueFilters & { limit: number; cursor?: string | undefined },
): Promise<Page<FulfilmentTask>> {
  const f = filtersSchema.parse(input);
  const where: (SQL | undefined)[] = [];
  if (f.state === "open") where.push(inArray(shippingTasks.status, [...OPEN_STATES]));
  else if (f.state !== "all") where.push(eq(shippingTasks.status, f.state));
  if (f.assignee === "me") where.push(eq(shippingTasks.assignedTo, userId));
  if (f.assignee === "unassigned") where.push(isNull(shippingTasks.assignedTo));
  if (f.search) {
    where.push(
      /^ord_/i.test(f.search)
        ? eq(shippingTasks.orderId, f.search.toLowerCase())
        : sql`lower(${orders.shippingName}) like ${likePrefix(f.search.toLowerCase())} escape '\\'`,
    );
  }
  // The cursor remembers its direction: one made oldest-first means nothing newest-first.
  const tag = `${f.direction}.`;
  if (input.cursor !== undefined && !input.cursor.startsWith(tag)) throw new InvalidCursorError();
  const page = await keysetPage({
    sort: { column: shippingTasks.createdAt, key: "createdAt", direction: f.direction },
    id: { column: shippingTasks.id, key: "id" },
    cursor: input.cursor?.slice(tag.length),
    limit: input.limit,
    fetch: ({ after, orderBy, limit }) =>
      selectTasks(db)
        .where(and(...where, after))
        .orderBy(...orderBy)
        .limit(limit),
    map: (row) => row,
  });
  return {
    items: await withItems(db, page.items),
    nextCursor: page.nextCursor === null ? null : tag + page.nextCursor,
  };
}

/** How many tasks wait in each open state (the queue's header and the home dashboard). */
export async function shippingQueueCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: shippingTasks.status, n: sql<number>`count(*)` })
    .from(shippingTasks)
    .where(inArray(shippingTasks.status, [...OPEN_STATES]))
    .groupBy(shippingTasks.status);
  const counts: Record<string, number> = { pending: 0, picking: 0, packed: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}
