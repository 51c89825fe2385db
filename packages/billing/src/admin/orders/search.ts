import { orders, stripeCharges, stripeRefunds } from "@folio/db";
import { and, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";

// Order search that stays on an index at a million orders: Stripe and Folio ids match exactly;
// e-mails and ship-to names match by case-insensitive prefix through the lower(…) indexes.

/** A LIKE prefix with the wildcards in `text` taken literally. */
export function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, "\\$&")}%`;
}

/**
 * Upper bound of the strings that start with `prefix`, or null when there is none ("zz…"): the
 * prefix up to its last letter or digit below "z", that one raised (other characters are
 * skipped). Both bytewise (SQLite) and linguistic (PostgreSQL) orders put every such string in
 * [prefix, bound).
 */
function prefixBound(prefix: string): string | null {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix[i]!;
    const next =
      c === "9" ? "a" : /[a-y0-8]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 1) : null;
    if (next) return prefix.slice(0, i) + next;
  }
  return null;
}

/**
 * `lower(column)` starts with `text` (already lower case). The range narrows the index to `text`
 * up to its last letter or digit (a trailing "." or "-" has no bound that holds under a collation
 * that ignores punctuation); LIKE then checks the whole prefix exactly.
 */
export function startsWith(
  column: typeof orders.email | typeof orders.shippingName,
  text: string,
): SQL {
  const lowered = sql`lower(${column})`;
  const like = sql`${lowered} like ${likePrefix(text)} escape '\\'`;
  const head = /^.*[a-z0-9]/s.exec(text)?.[0];
  if (!head) return like;
  const bound = prefixBound(head);
  return and(gte(lowered, head), bound === null ? undefined : lt(lowered, bound), like) as SQL;
}

/** An id of some kind (Folio's or Stripe's), matched exactly; null for anything else. */
function idSearch(text: string): SQL | null {
  const id = text.toLowerCase();
  if (/^ord_[0-9a-f]+$/.test(id)) return eq(orders.id, id);
  if (/^cs_\w+$/.test(text)) return eq(orders.checkoutSessionId, text);
  if (/^pi_\w+$/.test(text)) return eq(orders.paymentIntentId, text);
  if (/^cus_\w+$/.test(text)) return eq(orders.stripeCustomerId, text);
  if (/^(ch|py)_\w+$/.test(text)) {
    return inArray(
      orders.paymentIntentId,
      sql`(select ${stripeCharges.paymentIntentId} from ${stripeCharges} where ${stripeCharges.id} = ${text})`,
    );
  }
  if (/^(re|pyr)_\w+$/.test(text)) {
    return inArray(
      orders.paymentIntentId,
      sql`(select ${stripeRefunds.paymentIntentId} from ${stripeRefunds} where ${stripeRefunds.id} = ${text})`,
    );
  }
  return null;
}

/** The condition for a search box entry: an id of some kind, an e-mail or a name. */
export function orderSearch(raw: string): SQL {
  const text = raw.trim();
  const byId = idSearch(text);
  if (byId) return byId;
  const lower = text.toLowerCase();
  if (lower.includes("@")) return startsWith(orders.email, lower);
  return or(startsWith(orders.shippingName, lower), startsWith(orders.email, lower)) as SQL;
}

/**
 * A search by the start of a ship-to name or an e-mail (either matches), taken apart for the
 * list: each alternative with its own index range, and the same test without any index (for
 * when matches are so dense that walking the list's order and testing each row is cheaper).
 * Null for any other search (an id, or an e-mail with its @): `orderSearch` serves those.
 */
export function nameOrEmailSearch(raw: string): { ranges: [SQL, SQL]; scan: SQL } | null {
  const text = raw.trim();
  const lower = text.toLowerCase();
  if (idSearch(text) || lower.includes("@")) return null;
  // `column || ''` is the same text, but no index is on that expression.
  const scan = (column: typeof orders.email | typeof orders.shippingName) =>
    sql`lower(${column} || '') like ${likePrefix(lower)} escape '\\'`;
  return {
    ranges: [startsWith(orders.shippingName, lower), startsWith(orders.email, lower)],
    scan: or(scan(orders.shippingName), scan(orders.email))!,
  };
}
