import type Stripe from "stripe";
import type { Ctx } from "../core/types.ts";
import { couponDiscount, getPromotionCode } from "../resources/coupons.ts";
import { taxLineItems } from "../tax/checkout-tax.ts";
import { setSessionPrivate, type Session, type SessionPrivate } from "./session.ts";

/** A session's amounts: its discount spread over the line items, tax, and what is due today. */

type LineItem = Stripe.LineItem;

export interface AppliedDiscount {
  coupon: Stripe.Coupon;
  promotionCode: Stripe.PromotionCode | null;
}

/** The discount a session carries: from `discounts` at creation or a code entered later. */
export function sessionDiscount(ctx: Ctx, session: Session): AppliedDiscount | null {
  const d = session.discounts?.[0];
  if (!d) return null;
  const promo =
    typeof d.promotion_code === "string" ? getPromotionCode(ctx, d.promotion_code) : null;
  const couponId = typeof d.coupon === "string" ? d.coupon : (d.coupon?.id ?? null);
  if (!couponId) return null;
  // A deleted coupon is stored as a `{ deleted: true }` stub with no amounts left to apply.
  const coupon = ctx.store.getTyped<Stripe.Coupon & { deleted?: boolean }>("coupon", couponId);
  if (!coupon || coupon.deleted === true) return null;
  return { coupon, promotionCode: promo };
}

function isTrial(session: Session, priv: SessionPrivate): boolean {
  return (
    session.mode === "subscription" && (priv.trialPeriodDays !== null || priv.trialEnd !== null)
  );
}

/**
 * Recomputes line item and session amounts. The discount is spread over line items in
 * proportion to their subtotals (the last item takes the rounding remainder). During a
 * trial only one-time items are due today, so the session totals leave the recurring
 * items out while line items keep their prices, as Stripe shows them.
 */
export function recalculate(ctx: Ctx, session: Session, priv: SessionPrivate): Session {
  if (session.mode === "setup") return session;
  const discount = sessionDiscount(ctx, session);
  const cur = session.currency ?? priv.lineItems[0]?.currency ?? "usd";
  const subtotal = priv.lineItems.reduce((s, li) => s + li.amount_subtotal, 0);
  const totalOff = discount ? couponDiscount(discount.coupon, subtotal, cur) : 0;
  let remaining = totalOff;
  const discounted = priv.lineItems.map((li, i) => {
    const last = i === priv.lineItems.length - 1;
    const share =
      last || subtotal === 0 ? remaining : Math.floor((totalOff * li.amount_subtotal) / subtotal);
    const off = Math.min(share, li.amount_subtotal, remaining);
    remaining -= off;
    return {
      ...li,
      amount_discount: off,
      amount_total: li.amount_subtotal - off,
      ...(discount
        ? {
            discounts: [
              {
                amount: off,
                discount: discountObject(ctx, session, discount),
              },
            ],
          }
        : {}),
    };
  });
  const taxed = taxLineItems(ctx, session, discounted);
  priv.lineItems = taxed.items;
  // During a trial only one-time items (added to the first invoice) are due today.
  const trial = isTrial(session, priv);
  const dueToday = priv.lineItems.filter((li) => !trial || li.price?.type !== "recurring");
  const sum = (f: (li: LineItem) => number) => dueToday.reduce((s, li) => s + f(li), 0);
  const todayDiscount = sum((li) => li.amount_discount);
  return {
    ...session,
    automatic_tax: taxed.automaticTax,
    amount_subtotal: sum((li) => li.amount_subtotal),
    amount_total: sum((li) => li.amount_total),
    total_details: {
      amount_discount: todayDiscount,
      amount_shipping: 0,
      amount_tax: sum((li) => li.amount_tax),
    },
  };
}

function discountObject(ctx: Ctx, session: Session, d: AppliedDiscount): Stripe.Discount {
  return {
    id: `di_${session.id.slice(8, 32)}`,
    object: "discount",
    checkout_session: session.id,
    customer: typeof session.customer === "string" ? session.customer : null,
    customer_account: null,
    end: null,
    invoice: null,
    invoice_item: null,
    promotion_code: d.promotionCode?.id ?? null,
    source: { coupon: d.coupon, type: "coupon" },
    start: ctx.now(),
    subscription: null,
    subscription_item: null,
  } as unknown as Stripe.Discount;
}

/** Recomputes amounts after a promotion code or quantity change (no event: Stripe emits none). */
export function saveRecalculated(ctx: Ctx, session: Session, priv: SessionPrivate): Session {
  const next = recalculate(ctx, session, priv);
  ctx.store.update(next);
  setSessionPrivate(ctx, session.id, priv);
  return next;
}
