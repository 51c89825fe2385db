import {
  billingCustomers,
  keysetPage,
  stripeCustomers,
  stripeSubscriptions,
  users,
  type Db,
  type KeysetOptions,
  type Page,
} from "@folio/db";
import { and, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";

// The customers list for staff: Folio's customer accounts, each with its Stripe customer (when it
// has one), credit balance and current subscription status. Server-paged by keyset; every
// filter and order is served by an index (users_by_role_created, users_email_unique,
// users_by_lower_name, billing_customers_by_stripe_customer) so a page costs the same at
// 100,000 customers as at ten.

/** Stripe's subscription statuses, plus "none" for customers who never had one. */
export const CUSTOMER_SUBSCRIPTION_FILTERS = [
  "active",
  "trialing",
  "past_due",
  "unpaid",
  "paused",
  "incomplete",
  "canceled",
  "none",
] as const;
export type CustomerSubscriptionFilter = (typeof CUSTOMER_SUBSCRIPTION_FILTERS)[number];

export const CUSTOMER_SORTS = ["createdAt", "email"] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

export interface CustomerListFilters {
  /**
   * A Stripe customer id (`cus_…`, exact), or the start of an e-mail or of a name, any case.
   */
  search?: string | undefined;
  /** Customers with a subscription in this status ("none": without any subscription). */
  subscription?: CustomerSubscriptionFilter | undefined;
  /** true: customers holding credit (a negative Stripe balance); false: those who do not. */
  hasCredit?: boolean | undefined;
}

export interface CustomerListOrder {
  by: CustomerSort;
  direction: "asc" | "desc";
}

export interface CustomerListItem {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
  disabled: boolean;
  stripeCustomerId: string | null;
  /** Credit the customer holds, minor units (Stripe's negative balance, turned positive). */
  credit: number;
  /** What the customer owes on their balance (a positive Stripe balance). */
  owed: number;
  currency: string | null;
  delinquent: boolean;
  /** Status of the customer's current subscription (a live one before ended ones), if any. */
  subscriptionStatus: string | null;
}

/** Values of `column` that start with `prefix` (already lower-case). */
function prefixRange(column: SQL | typeof users.email, prefix: string): SQL {
  // A range instead of LIKE so the index serves it on both dialects; the LIKE keeps the result
  // exact under any collation the range might not match bytewise.
  const pattern = `${prefix.replace(/[\\%_]/g, "\\$&")}%`;
  const matches = sql`${column} like ${pattern} escape '\\'`;
  const chars = [...prefix];
  const last = chars.pop()!.codePointAt(0)!;
  if (last >= 0xffff) return matches;
  const upper = chars.join("") + String.fromCodePoint(last + 1);
  return sql`(${column} >= ${prefix} and ${column} < ${upper} and ${matches})`;
}

const lowerName = sql`lower(${users.name})`;

const ENDED = sql`('canceled', 'incomplete_expired')`;

/** The current subscription's status: a live one first, then the newest. */
const currentStatus = sql<string | null>`(
  select ${stripeSubscriptions.status} from ${stripeSubscriptions}
  where ${stripeSubscriptions.customerId} = ${billingCustomers.stripeCustomerId}
    and ${stripeSubscriptions.deletedAt} is null
  order by case when ${stripeSubscriptions.status} in ${ENDED} then 1 else 0 end,
    ${stripeSubscriptions.stripeCreated} desc, ${stripeSubscriptions.id} desc
  limit 1)`;

function subscriptionFilter(status: CustomerSubscriptionFilter): SQL {
  if (status === "none") {
    return sql`not exists (select 1 from ${stripeSubscriptions}
      where ${stripeSubscriptions.customerId} = ${billingCustomers.stripeCustomerId}
        and ${stripeSubscriptions.deletedAt} is null)`;
  }
  // Uncorrelated: the status's subscriptions are read once by stripe_subscriptions_by_status and
  // each customer is looked up in that set. As a correlated EXISTS, SQLite searched the status
  // index once per customer (thousands of rows each), and hiding status from the index made
  // PostgreSQL scan every subscription.
  return inArray(
    billingCustomers.stripeCustomerId,
    sql`(select ${stripeSubscriptions.customerId} from ${stripeSubscriptions}
      where ${stripeSubscriptions.status} = ${status} and ${stripeSubscriptions.deletedAt} is null)`,
  );
}

const isCustomer = eq(users.role, "customer");
/** The same test, written so the planner cannot serve it from an index that starts with role. */
const isCustomerUnindexed = sql`(${users.role} || '') = 'customer'`;

interface Filters {
  where: SQL[];
  /** A search by the start of an e-mail or of a name (either matches): one index range each. */
  prefix: { email: SQL; name: SQL } | null;
}

function filtersOf(f: CustomerListFilters): Filters {
  const where: SQL[] = [];
  let prefix: Filters["prefix"] = null;
  const search = f.search?.trim();
  if (search) {
    if (/^cus_[A-Za-z0-9]+$/.test(search)) {
      where.push(eq(billingCustomers.stripeCustomerId, search));
    } else {
      const text = search.toLowerCase();
      // E-mails are stored lower-case (accounts/input.ts normalizeEmail).
      if (text.includes("@")) where.push(prefixRange(users.email, text));
      else prefix = { email: prefixRange(users.email, text), name: prefixRange(lowerName, text) };
    }
  }
  if (f.subscription) where.push(subscriptionFilter(f.subscription));
  if (f.hasCredit === true) where.push(lt(stripeCustomers.balance, 0));
  if (f.hasCredit === false) {
    where.push(or(sql`${stripeCustomers.id} is null`, gte(stripeCustomers.balance, 0))!);
  }
  return { where, prefix };
}

/**
 * Above this many customers in a search range, a page is found faster by walking the sort
 * index and testing each row (matches are dense) than by reading the range and sorting it.
 */
const DENSE_RANGE = 2_000;

/** Whether either prefix range holds DENSE_RANGE customers or more (index-only counts). */
async function denseSearch(db: Db, prefix: { email: SQL; name: SQL }): Promise<boolean> {
  const probe = (range: SQL) =>
    sql`(select count(*) from (select 1 from ${users} where ${range} limit ${DENSE_RANGE}) as r)`;
  const row = await db.get<[number, number]>(
    sql`select ${probe(and(isCustomer, prefix.email)!)}, ${probe(prefix.name)}`,
  );
  return Number(row[0]) >= DENSE_RANGE || Number(row[1]) >= DENSE_RANGE;
}

const SORT_COLUMNS = { createdAt: users.createdAt, email: users.email } as const;

interface Row {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
  disabled: boolean;
  stripeCustomerId: string | null;
  balance: number | null;
  currency: string | null;
  delinquent: boolean | null;
  subscriptionStatus: string | null;
}

/**
 * The keyset query for customers matching `filters` in `order`: pass it to `keysetPage` (or a
 * wrapper that tags cursors with the order) with a cursor and a limit.
 */
export function customerListQuery(
  db: Db,
  filters: CustomerListFilters,
  order: CustomerListOrder,
): Omit<KeysetOptions<Row, CustomerListItem>, "cursor" | "limit"> {
  const { where, prefix } = filtersOf(filters);
  const sortColumn = SORT_COLUMNS[order.by];
  return {
    sort: { column: sortColumn, key: order.by, direction: order.direction },
    id: { column: users.id, key: "id" },
    // Two steps: the page's ids by the filters and order (index-served), then what each row
    // shows. The current subscription is a subquery per row: in one statement a sort would run it
    // for every matching customer before the limit.
    fetch: async ({ after, orderBy, limit }) => {
      const ids = (...conditions: (SQL | undefined)[]) =>
        db
          .select({ id: users.id, sortValue: sortColumn })
          .from(users)
          .leftJoin(billingCustomers, eq(billingCustomers.userId, users.id))
          .leftJoin(stripeCustomers, eq(stripeCustomers.id, billingCustomers.stripeCustomerId))
          .where(and(...conditions, ...where, after))
          .orderBy(...orderBy)
          .limit(limit);
      let page: { id: string }[];
      if (!prefix) page = await ids(isCustomer);
      else if (await denseSearch(db, prefix)) {
        page = await ids(isCustomer, or(prefix.email, prefix.name));
      } else {
        // Few matches: each range's own page (read by its index and sorted), then the page of
        // their union in the database's order. ORed in one statement, the planner would walk the
        // sort index and test every customer (50–90 ms at 100,000 customers).
        const dir = sql.raw(order.direction);
        const byEmail = ids(isCustomer, prefix.email);
        const byName = ids(isCustomerUnindexed, prefix.name);
        const rows = await db.all<[string, unknown]>(
          sql`select * from ${byEmail} as by_email union select * from ${byName} as by_name order by 2 ${dir}, 1 ${dir} limit ${limit}`,
        );
        page = rows.map(([id]) => ({ id }));
      }
      if (page.length === 0) return [];
      const rows = await db
        .select({
          id: users.id,
          email: users.email,
          name: users.name,
          createdAt: users.createdAt,
          disabled: users.disabled,
          stripeCustomerId: billingCustomers.stripeCustomerId,
          balance: stripeCustomers.balance,
          currency: stripeCustomers.currency,
          delinquent: stripeCustomers.delinquent,
          subscriptionStatus: currentStatus,
        })
        .from(users)
        .leftJoin(billingCustomers, eq(billingCustomers.userId, users.id))
        .leftJoin(stripeCustomers, eq(stripeCustomers.id, billingCustomers.stripeCustomerId))
        .where(
          inArray(
            users.id,
            page.map((p) => p.id),
          ),
        );
      const byId = new Map(rows.map((r) => [r.id, r]));
      return page.flatMap((p) => byId.get(p.id) ?? []);
    },
    map: (r) => {
      const balance = r.balance ?? 0;
      return {
        id: r.id,
        email: r.email,
        name: r.name,
        createdAt: r.createdAt,
        disabled: r.disabled,
        stripeCustomerId: r.stripeCustomerId,
        credit: Math.max(0, 0 - balance),
        owed: Math.max(0, balance),
        currency: r.currency,
        delinquent: r.delinquent ?? false,
        subscriptionStatus: r.subscriptionStatus,
      };
    },
  };
}

/** One page of customers (for callers that do not need the order tagged in the cursor). */
export function listCustomers(
  db: Db,
  input: CustomerListFilters & { order: CustomerListOrder; cursor?: string; limit: number },
): Promise<Page<CustomerListItem>> {
  return keysetPage({
    ...customerListQuery(db, input, input.order),
    cursor: input.cursor,
    limit: input.limit,
  });
}
