import type Stripe from "stripe";
import { invalidParam, invalidRequest } from "../core/errors.ts";
import type { Ctx } from "../core/types.ts";
import { checkPromotion, getCoupon, getPromotionCode, redeem } from "../resources/coupons.ts";
import { addIntervals } from "./time.ts";

/**
 * Discount objects (`di_…`) that attach a coupon (optionally via a promotion code) to a
 * subscription or invoice. A `once` coupon applies to one invoice, `repeating` until
 * `end`, `forever` without end.
 */
export interface DiscountParam {
  coupon?: string | undefined;
  promotion_code?: string | undefined;
  discount?: string | undefined;
}

export interface DiscountPrivate {
  /** A `once` discount is spent after its first invoice. */
  spent?: boolean;
}

/** Resolves params to coupons without writing anything (validation happens before any write). */
export function resolveDiscountParams(
  ctx: Ctx,
  params: DiscountParam[],
  context: { customer: string; amount?: number; currency?: string; param: string },
): {
  coupon: Stripe.Coupon;
  promotionCode: Stripe.PromotionCode | null;
  existing: string | null;
}[] {
  return params.map((d, i) => {
    const param = `${context.param}[${i}]`;
    const given = [d.coupon, d.promotion_code, d.discount].filter((x) => x !== undefined);
    if (given.length !== 1) {
      throw invalidRequest("You must specify exactly one of coupon, promotion_code or discount.", {
        param,
      });
    }
    if (d.discount !== undefined) {
      const existing = ctx.store.getTyped<Stripe.Discount>("discount", d.discount);
      if (!existing)
        throw invalidParam(
          `${param}[discount]`,
          `No such discount: '${d.discount}'`,
          "resource_missing",
        );
      const coupon = getCoupon(
        ctx,
        typeof existing.source.coupon === "string"
          ? existing.source.coupon
          : (existing.source.coupon?.id ?? ""),
        `${param}[discount]`,
      );
      return { coupon, promotionCode: null, existing: existing.id };
    }
    if (d.promotion_code !== undefined) {
      const promo = getPromotionCode(ctx, d.promotion_code, `${param}[promotion_code]`);
      const { coupon, promotionCode } = checkPromotion(
        ctx,
        promo,
        {
          customer: context.customer,
          ...(context.amount !== undefined ? { amount: context.amount } : {}),
          ...(context.currency !== undefined ? { currency: context.currency } : {}),
        },
        `${param}[promotion_code]`,
      );
      return { coupon, promotionCode, existing: null };
    }
    const coupon = getCoupon(ctx, d.coupon ?? "", `${param}[coupon]`);
    if (!coupon.valid) {
      throw invalidParam(
        `${param}[coupon]`,
        `Coupon ${coupon.id} is no longer valid.`,
        "coupon_expired",
      );
    }
    return { coupon, promotionCode: null, existing: null };
  });
}

export function createDiscount(
  ctx: Ctx,
  input: {
    coupon: Stripe.Coupon;
    promotionCode: Stripe.PromotionCode | null;
    customer: string;
    subscription?: string | null;
    invoice?: string | null;
    start: number;
  },
): Stripe.Discount {
  const { coupon } = input;
  const end =
    coupon.duration === "repeating" && coupon.duration_in_months
      ? addIntervals(input.start, "month", coupon.duration_in_months, 1)
      : null;
  const discount: Stripe.Discount = {
    id: ctx.ids.id("di"),
    object: "discount",
    checkout_session: null,
    customer: input.customer,
    customer_account: null,
    end,
    invoice: input.invoice ?? null,
    invoice_item: null,
    promotion_code: input.promotionCode?.id ?? null,
    source: { coupon: coupon.id, type: "coupon" },
    start: input.start,
    subscription: input.subscription ?? null,
    subscription_item: null,
  };
  redeem(ctx, coupon.id, input.promotionCode?.id ?? null);
  ctx.store.insert(discount);
  ctx.emit("customer.discount.created", discount);
  return discount;
}

/**
 * The discount ids for resolved params: an `existing` discount is reused as it is, the
 * others become new discounts on `target` (a subscription or an invoice) from `start`.
 */
export function discountIdsFor(
  ctx: Ctx,
  resolved: ReturnType<typeof resolveDiscountParams>,
  target: { customer: string; subscription?: string; invoice?: string; start: number },
): string[] {
  return resolved.map(
    (r) =>
      r.existing ??
      createDiscount(ctx, { coupon: r.coupon, promotionCode: r.promotionCode, ...target }).id,
  );
}

/** Discounts among `ids` still in effect at `at`. */
export function activeDiscounts(ctx: Ctx, ids: string[], at: number): Stripe.Discount[] {
  return ids
    .map((id) => ctx.store.getTyped<Stripe.Discount>("discount", id))
    .filter((d): d is Stripe.Discount => {
      if (!d) return false;
      if (d.end !== null && d.end <= at) return false;
      return ctx.store.getPrivate<DiscountPrivate>(d.id)?.spent !== true;
    });
}

/** After an invoice used them: `once` discounts are spent and ended. */
export function consumeDiscounts(ctx: Ctx, ids: string[], at: number): string[] {
  const ended: string[] = [];
  for (const id of ids) {
    const d = ctx.store.getTyped<Stripe.Discount>("discount", id);
    if (!d) continue;
    const coupon = ctx.store.get<Stripe.Coupon>(
      typeof d.source.coupon === "string" ? d.source.coupon : (d.source.coupon?.id ?? ""),
    );
    const expired = d.end !== null && d.end <= at;
    if (coupon?.duration === "once" || expired) {
      ctx.store.setPrivate(d.id, { spent: true } satisfies DiscountPrivate);
      ctx.emit("customer.discount.deleted", d);
      ended.push(id);
    }
  }
  return ended;
}
