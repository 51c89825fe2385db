import { billingCustomers, stripeCustomers, users, type Db } from "@folio/db";
import { eq, inArray } from "drizzle-orm";
import type { CustomerRef } from "./api.ts";

const CHUNK = 500;

/** Who each Stripe customer is: the linked Folio user (if any), e-mail and name (Folio's, else
 * Stripe's). */
export async function customerRefs(
  db: Db,
  ids: Iterable<string>,
): Promise<Map<string, CustomerRef>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, CustomerRef>(
    unique.map((id) => [id, { stripeCustomerId: id, userId: null, email: null, name: null }]),
  );
  for (let i = 0; i < unique.length; i += CHUNK) {
    const chunk = unique.slice(i, i + CHUNK);
    const stripeRows = await db
      .select({ id: stripeCustomers.id, email: stripeCustomers.email, name: stripeCustomers.name })
      .from(stripeCustomers)
      .where(inArray(stripeCustomers.id, chunk));
    for (const r of stripeRows) Object.assign(out.get(r.id)!, { email: r.email, name: r.name });
    const linked = await db
      .select({
        id: billingCustomers.stripeCustomerId,
        userId: users.id,
        email: users.email,
        name: users.name,
      })
      .from(billingCustomers)
      .innerJoin(users, eq(users.id, billingCustomers.userId))
      .where(inArray(billingCustomers.stripeCustomerId, chunk));
    for (const r of linked)
      Object.assign(out.get(r.id)!, { userId: r.userId, email: r.email, name: r.name });
  }
  return out;
}
