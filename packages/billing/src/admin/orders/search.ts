import { orders, stripeCharges, stripeRefunds } from "@folio/db";
import { and, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { likePrefix } from "../fulfilment/list.ts";

// Order search that stays on an index at a million orders: Stripe and Folio ids match exactly;
// e-mails and ship-to names match by case-insensitive prefix through the lower(…) indexes.

/**
 * Upper bound of the strings that start with `prefix` (letters and digits only), or null when
 * there is none ("zz…"). Both bytewise (SQLite) and linguistic (PostgreSQL) orders put every
 * such string in [prefix, bound).
 */
function prefixBound(prefix: string): string | null {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix[i]!;
    const next = c === "9" ? "a" : c === "z" ? null : String.fromCharCode(c.charCodeAt(0) + 1);
    if (next) return prefix.slice(0, i) + next;
  }
  return null;
}

/**
 * `lower(column)` starts with `text` (already lower case). The range narrows the index to the
 * leading letters and digits of `text`; LIKE then checks the whole prefix exactly.
 */
function startsWith(column: typeof orders.email | typeof orders.shippingName, text: string): SQL {
  const lowered = sql`lower(${column})`;
  const like = sql`${lowered} like ${likePrefix(text)} escape '\\'`;
  const head = /^[a-z0-9]+/.exec(text)?.[0];
  if (!head) return like;
  const bound = prefixBound(head);
  return and(gte(lowered, head), bound === null ? undefined : lt(lowered, bound), like) as SQL;
}

/** The condition for a search box entry: an id of some kind, an e-mail or a name. */
export function orderSearch(raw: string): SQL {
  const text = raw.trim();
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
  const lower = text.toLowerCase();
  if (lower.includes("@")) return startsWith(orders.email, lower);
  return or(startsWith(orders.shippingName, lower), startsWith(orders.email, lower)) as SQL;
}
