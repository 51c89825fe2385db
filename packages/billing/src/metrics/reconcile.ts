import { mrrMovements, subscriptionHistory } from "@folio/db";
import { and, lte, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { z } from "zod";
import { snapshotSubscription } from "../records/subscription-history.ts";
import { idOf, orNull } from "../sync/kinds.ts";
import type { MetricsDeps, ReconcileCause, ReconcileRow, Reconciliation } from "./api.ts";
import { customerRefs } from "./customers.ts";
import { subscriptionSteps, type HistoryState } from "./movements.ts";
import { subscriptionMrr } from "./mrr.ts";
import { resolveSettings } from "./store.ts";

// Reconciliation: Folio's MRR per customer (what the chart says) against a direct computation
// from Stripe's subscriptions as they are now — every one, `status=all`, every page — with the
// same MRR definition, so any difference is a difference in the facts, and says which.

const input = z.object({
  currency: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{3}$/, { message: "Use a three-letter currency code, e.g. usd." })
    .optional(),
});

type Cause = ReconcileRow["causes"][number];

/** The subscription with each discount's coupon expanded, each coupon retrieved once per run. */
function couponResolver(stripe: Stripe) {
  const coupons = new Map<string, Promise<Stripe.Coupon | null>>();
  const expand = async (d: string | Stripe.Discount): Promise<string | Stripe.Discount> => {
    if (typeof d === "string") return d;
    const couponId = idOf(d.source?.coupon ?? null);
    if (!couponId) return d;
    let pending = coupons.get(couponId);
    if (!pending) coupons.set(couponId, (pending = orNull(stripe.coupons.retrieve(couponId))));
    const coupon = await pending;
    return coupon ? { ...d, source: { ...d.source, coupon } } : d;
  };
  return async (sub: Stripe.Subscription): Promise<Stripe.Subscription> => ({
    ...sub,
    discounts: await Promise.all((sub.discounts ?? []).map(expand)),
  });
}

export async function reconcileMrr(
  deps: MetricsDeps & { stripe: Stripe },
  raw: { currency?: string },
): Promise<Reconciliation> {
  const { currency } = input.parse(raw);
  const settings = await resolveSettings(deps);
  const now = deps.clock.now();
  const at = now.getTime();

  // Stripe's side: every subscription, every page.
  const terms = couponResolver(deps.stripe);
  const stripeSubs = new Map<
    string,
    {
      customer: string;
      currency: string;
      mrr: number;
      fingerprint: string;
      unpriced: boolean;
      pastDue: boolean;
    }
  >();
  for await (const sub of deps.stripe.subscriptions.list({
    status: "all",
    limit: 100,
    expand: ["data.discounts"],
  })) {
    if (currency && sub.currency !== currency) continue;
    const snap = snapshotSubscription(await terms(sub));
    stripeSubs.set(sub.id, {
      customer: snap.stripeCustomerId,
      currency: sub.currency,
      mrr: subscriptionMrr(snap, at, settings),
      fingerprint: snap.fingerprint,
      unpriced: snap.items.some((i) => i.unitAmount === null && i.usageType !== "metered"),
      pastDue: sub.status === "past_due",
    });
  }

  // Folio's side: each subscription's MRR now by the same timeline the movements come from,
  // and each customer's MRR as the chart has it (its latest movement).
  const rows = await deps.db
    .select()
    .from(subscriptionHistory)
    .where(
      currency
        ? and(
            sql`${subscriptionHistory.currency} = ${currency}`,
            lte(subscriptionHistory.effectiveAt, now),
          )
        : lte(subscriptionHistory.effectiveAt, now),
    );
  const folioSubs = new Map<
    string,
    {
      customer: string;
      currency: string;
      rows: HistoryState[];
      fingerprint: string;
      lastAt: number;
      lastId: number;
    }
  >();
  for (const r of rows) {
    const s = folioSubs.get(r.subscriptionId) ?? {
      customer: r.stripeCustomerId,
      currency: r.currency,
      rows: [],
      fingerprint: r.fingerprint,
      lastAt: -Infinity,
      lastId: -Infinity,
    };
    s.rows.push({ ...r, effectiveAt: r.effectiveAt.getTime() });
    const t = r.effectiveAt.getTime();
    if (t > s.lastAt || (t === s.lastAt && r.id > s.lastId))
      Object.assign(s, { fingerprint: r.fingerprint, lastAt: t, lastId: r.id });
    folioSubs.set(r.subscriptionId, s);
  }
  const folioSubMrr = new Map<string, number>();
  for (const [id, s] of folioSubs) {
    const steps = subscriptionSteps(s.rows, settings).filter((st) => st.at <= at);
    folioSubMrr.set(id, steps.at(-1)?.mrr ?? 0);
  }
  const customerMrr = new Map<string, number>();
  const movementRows = await deps.db
    .select({
      customer: mrrMovements.stripeCustomerId,
      currency: mrrMovements.currency,
      mrr: sql<number>`sum(${mrrMovements.amount})`,
    })
    .from(mrrMovements)
    .where(
      currency
        ? and(sql`${mrrMovements.currency} = ${currency}`, lte(mrrMovements.at, now))
        : lte(mrrMovements.at, now),
    )
    .groupBy(mrrMovements.stripeCustomerId, mrrMovements.currency);
  for (const m of movementRows) customerMrr.set(`${m.customer}:${m.currency}`, Number(m.mrr ?? 0));

  // Compare per customer and currency; explain per subscription.
  const keys = new Map<string, { customer: string; currency: string; subs: Set<string> }>();
  const add = (customer: string, cur: string, sub: string | null) => {
    const key = `${customer}:${cur}`;
    const k = keys.get(key) ?? { customer, currency: cur, subs: new Set<string>() };
    if (sub) k.subs.add(sub);
    keys.set(key, k);
  };
  for (const [id, s] of stripeSubs) add(s.customer, s.currency, id);
  for (const [id, s] of folioSubs) add(s.customer, s.currency, id);
  for (const m of movementRows) add(m.customer, m.currency, null);

  const differences: Array<Omit<ReconcileRow, "customer"> & { customerId: string }> = [];
  const totals = new Map<string, { currency: string; folioMrr: number; stripeMrr: number }>();
  for (const [key, k] of keys) {
    const folioMrr = customerMrr.get(key) ?? 0;
    let stripeMrr = 0;
    const causes: Cause[] = [];
    for (const id of [...k.subs].sort()) {
      const s = stripeSubs.get(id);
      const f = folioSubs.get(id);
      stripeMrr += s?.mrr ?? 0;
      const fm = folioSubMrr.get(id) ?? 0;
      if ((s?.mrr ?? 0) === fm) continue;
      const cause = (c: ReconcileCause, detail: string) =>
        causes.push({ subscriptionId: id, cause: c, detail });
      if (!f)
        cause("missing_in_folio", "Stripe has it; Folio never stored it (run folio stripe sync).");
      else if (!s) cause("missing_in_stripe", "Folio counts it; Stripe's list does not return it.");
      else if (s.fingerprint !== f.fingerprint)
        cause(
          "stale_state",
          "Stripe's current state differs from Folio's latest history row: an event not applied yet.",
        );
      else if (s.unpriced)
        cause("unpriced_item", "An item has no flat unit amount (tiered pricing).");
      else if (s.pastDue && settings.pastDueChurnDays !== null)
        cause(
          "setting",
          `Past due for more than ${settings.pastDueChurnDays} days: Folio has churned it.`,
        );
      else if (Math.abs(fm - s.mrr) <= 1) cause("rounding", `Folio ${fm}, Stripe ${s.mrr}.`);
      else
        cause(
          "stale_state",
          `Same state, valued ${fm} by Folio and ${s.mrr} from Stripe: coupon terms Folio could not learn.`,
        );
    }
    const t = totals.get(k.currency) ?? { currency: k.currency, folioMrr: 0, stripeMrr: 0 };
    t.folioMrr += folioMrr;
    t.stripeMrr += stripeMrr;
    totals.set(k.currency, t);
    if (folioMrr !== stripeMrr)
      differences.push({
        customerId: k.customer,
        currency: k.currency,
        folioMrr,
        stripeMrr,
        difference: folioMrr - stripeMrr,
        causes,
      });
  }
  const refs = await customerRefs(
    deps.db,
    differences.map((d) => d.customerId),
  );
  return {
    checkedAt: now,
    customers: new Set([...keys.values()].map((k) => k.customer)).size,
    subscriptions: new Set([...stripeSubs.keys(), ...folioSubs.keys()]).size,
    differences: differences
      .map(({ customerId, ...d }) => ({ customer: refs.get(customerId)!, ...d }))
      .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference)),
    totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
  };
}
