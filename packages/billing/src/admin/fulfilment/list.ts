import {
  InvalidCursorError,
  keysetPage,
  orders,
  SHIPPING_STATUSES,
  shippingTasks,
  type Db,
  type Page,
  type ShippingStatus,
} from "@folio/db";
import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { startsWith } from "../orders/search.ts";
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

/**
 * The fulfilment queue, one keyset page at a time (sorted by when the task was created, id as
 * tiebreak): the index on (status, created_at, id) serves each state, the ship-to name's
 * lower(…) index a search.
 */
export async function listShippingTasks(
  db: Db,
  userId: string,
  input: ShippingQueueFilters & { limit: number; cursor?: string | undefined },
): Promise<Page<FulfilmentTask>> {
  const f = filtersSchema.parse(input);
  const states: readonly ShippingStatus[] =
    f.state === "open" ? OPEN_STATES : f.state === "all" ? SHIPPING_STATUSES : [f.state];
  const where: (SQL | undefined)[] = [];
  if (f.assignee === "me") where.push(eq(shippingTasks.assignedTo, userId));
  if (f.assignee === "unassigned") where.push(isNull(shippingTasks.assignedTo));
  if (f.search) {
    where.push(
      /^ord_/i.test(f.search)
        ? eq(shippingTasks.orderId, f.search.toLowerCase())
        : startsWith(orders.shippingName, f.search.toLowerCase()),
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
    fetch: async ({ after, orderBy, limit }) => {
      // A search narrows by its own index (the order id, or the ship-to name's range); a page of
      // one state is read in order from (status, created_at, id).
      if (f.search || states.length === 1) {
        const state = f.state === "all" ? undefined : inArray(shippingTasks.status, [...states]);
        return selectTasks(db)
          .where(and(state, ...where, after))
          .orderBy(...orderBy)
          .limit(limit);
      }
      // Several states: each state's page in index order, then the page of their union. With
      // `status in (…)` the database sorts every open task first (seconds at a million orders).
      const branches = states.map((state) =>
        db
          .select({ id: shippingTasks.id, createdAt: shippingTasks.createdAt })
          .from(shippingTasks)
          .where(and(eq(shippingTasks.status, state), ...where, after))
          .orderBy(...orderBy)
          .limit(limit),
      );
      const dir = sql.raw(f.direction);
      const union = sql.join(
        branches.map((b, i) => sql`select * from ${b} as ${sql.identifier(`s${i}`)}`),
        sql` union all `,
      );
      const ids = await db.all<[string, number]>(
        sql`${union} order by 2 ${dir}, 1 ${dir} limit ${limit}`,
      );
      if (!ids.length) return [];
      return selectTasks(db)
        .where(
          inArray(
            shippingTasks.id,
            ids.map(([id]) => id),
          ),
        )
        .orderBy(...orderBy);
    },
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
