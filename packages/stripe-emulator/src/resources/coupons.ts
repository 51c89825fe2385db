import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam, invalidRequest, missingParam, resourceMissing } from "../core/errors.ts";
import { listObjects, paginate as listFromArray } from "../core/list.ts";
import {
  applyMetadata,
  bool,
  currency,
  decimal,
  emptyable,
  int,
  list,
  listShape,
  metadata,
  obj,
  oneOf,
  parseParams,
  str,
} from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { isDeleted, replaceWithDeletedStub, saveAndEmitUpdate } from "../core/util.ts";
import { getCustomer } from "./customers.ts";

const couponCreate = obj({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, "Invalid coupon id")
    .optional(),
  amount_off: int({ min: 1 }).optional(),
  currency: currency().optional(),
  percent_off: decimal().optional(),
  duration: oneOf(["forever", "once", "repeating"]).optional(),
  duration_in_months: int({ min: 1 }).optional(),
  max_redemptions: int({ min: 1 }).optional(),
  redeem_by: int().optional(),
  name: str({ max: 40 }).optional(),
  metadata: metadata().optional(),
  applies_to: obj({ products: list(z.string()) }).optional(),
  currency_options: z.record(z.string(), obj({ amount_off: int({ min: 1 }) })).optional(),
});

const couponUpdate = obj({
  name: emptyable(str({ max: 40 })).optional(),
  metadata: metadata().optional(),
  currency_options: z.record(z.string(), obj({ amount_off: int({ min: 1 }) })).optional(),
});

const promoCreate = obj({
  promotion: obj({ type: oneOf(["coupon"]), coupon: z.string().optional() }),
  code: z
    .string()
    .regex(/^[A-Za-z0-9]{3,500}$/, "Promotion codes are 3+ alphanumeric characters")
    .optional(),
  active: bool().optional(),
  customer: z.string().optional(),
  expires_at: int().optional(),
  max_redemptions: int({ min: 1 }).optional(),
  metadata: metadata().optional(),
  restrictions: obj({
    first_time_transaction: bool().optional(),
    minimum_amount: int({ min: 0 }).optional(),
    minimum_amount_currency: currency().optional(),
  }).optional(),
});

const promoUpdate = obj({
  active: bool().optional(),
  metadata: metadata().optional(),
  restrictions: obj({
    currency_options: z.record(z.string(), obj({ minimum_amount: int({ min: 0 }) })).optional(),
  }).optional(),
});

/** `valid` depends on time and redemptions, so it is recomputed whenever a coupon is read. */
function withValidity(ctx: Ctx, coupon: Stripe.Coupon): Stripe.Coupon {
  const expired = coupon.redeem_by !== null && coupon.redeem_by <= ctx.now();
  const exhausted =
    coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions;
  return { ...coupon, valid: !expired && !exhausted };
}

export function getCoupon(ctx: Ctx, id: string, param = "coupon"): Stripe.Coupon {
  const coupon = ctx.store.getTyped<Stripe.Coupon>("coupon", id);
  if (!coupon || isDeleted(coupon)) throw resourceMissing("coupon", id, param);
  return withValidity(ctx, coupon);
}

function promoWithValidity(ctx: Ctx, promo: Stripe.PromotionCode): Stripe.PromotionCode {
  const coupon =
    typeof promo.promotion.coupon === "string"
      ? ctx.store.getTyped<Stripe.Coupon>("coupon", promo.promotion.coupon)
      : null;
  const expired = promo.expires_at !== null && promo.expires_at <= ctx.now();
  const exhausted = promo.max_redemptions !== null && promo.times_redeemed >= promo.max_redemptions;
  const couponInvalid = !coupon || isDeleted(coupon) || !withValidity(ctx, coupon).valid;
  return promo.active && (expired || exhausted || couponInvalid)
    ? { ...promo, active: false }
    : promo;
}

export function getPromotionCode(
  ctx: Ctx,
  id: string,
  param = "promotion_code",
): Stripe.PromotionCode {
  const promo = ctx.store.getTyped<Stripe.PromotionCode>("promotion_code", id);
  if (!promo) throw resourceMissing("promotion code", id, param);
  return promoWithValidity(ctx, promo);
}

/**
 * Finds an active promotion code by its customer-facing code and checks its restrictions
 * (customer, minimum amount, first-time). Returns the code and its coupon, or throws a 400
 * naming `param` — for checkout's promo field and `discounts[][promotion_code]`.
 */
export function resolvePromotionCode(
  ctx: Ctx,
  code: string,
  context: { customer?: string | null; amount?: number; currency?: string; param?: string } = {},
): { promotionCode: Stripe.PromotionCode; coupon: Stripe.Coupon } {
  const param = context.param ?? "promotion_code";
  const promo = ctx.store
    .list<Stripe.PromotionCode>("promotion_code", {
      where: (p) => p.code.toLowerCase() === code.toLowerCase(),
    })
    .map((p) => promoWithValidity(ctx, p))
    .find((p) => p.active);
  if (!promo) throw invalidParam(param, `This promotion code is invalid or has expired: ${code}`);
  return checkPromotion(ctx, promo, context, param);
}

export function checkPromotion(
  ctx: Ctx,
  promo: Stripe.PromotionCode,
  context: { customer?: string | null; amount?: number; currency?: string },
  param: string,
): { promotionCode: Stripe.PromotionCode; coupon: Stripe.Coupon } {
  if (!promo.active) throw invalidParam(param, `This promotion code is not active: ${promo.code}`);
  if (promo.customer && context.customer && promo.customer !== context.customer) {
    throw invalidParam(param, "This promotion code cannot be redeemed by this customer.");
  }
  const r = promo.restrictions;
  if (r.minimum_amount !== null && context.amount !== undefined) {
    if (
      (r.minimum_amount_currency ?? context.currency) === context.currency &&
      context.amount < r.minimum_amount
    ) {
      throw invalidParam(param, "This promotion code requires a larger minimum order amount.");
    }
  }
  const couponId =
    typeof promo.promotion.coupon === "string"
      ? promo.promotion.coupon
      : (promo.promotion.coupon?.id ?? "");
  return { promotionCode: promo, coupon: getCoupon(ctx, couponId, param) };
}

/** Amount a coupon takes off `amount` (minor units), never more than the amount. */
export function couponDiscount(
  coupon: Stripe.Coupon,
  amount: number,
  currencyCode: string,
): number {
  if (coupon.percent_off !== null)
    return Math.min(amount, Math.round((amount * coupon.percent_off) / 100));
  if (coupon.amount_off !== null) {
    const off =
      coupon.currency === currencyCode
        ? coupon.amount_off
        : (coupon.currency_options?.[currencyCode]?.amount_off ?? 0);
    return Math.min(amount, off);
  }
  return 0;
}

/** Counts a redemption (when a discount is applied); emits `coupon.updated`/`promotion_code.updated`. */
export function redeem(ctx: Ctx, couponId: string, promotionCodeId?: string | null): void {
  const coupon = getCoupon(ctx, couponId);
  if (!coupon.valid)
    throw invalidParam("coupon", `Coupon ${coupon.id} is no longer valid.`, "coupon_expired");
  const nextCoupon = withValidity(ctx, { ...coupon, times_redeemed: coupon.times_redeemed + 1 });
  ctx.store.update(nextCoupon);
  if (promotionCodeId) {
    const promo = getPromotionCode(ctx, promotionCodeId);
    const next = promoWithValidity(ctx, { ...promo, times_redeemed: promo.times_redeemed + 1 });
    saveAndEmitUpdate(ctx, "promotion_code.updated", promo, next);
  }
}

export const couponsModule: EmulatorModule = {
  name: "coupons",
  routes: [
    {
      method: "POST",
      path: "/v1/coupons",
      handler: (ctx, req) => {
        const p = parseParams(couponCreate, req.params);
        if (p.amount_off === undefined && p.percent_off === undefined)
          throw missingParam("percent_off");
        if (p.amount_off !== undefined && p.percent_off !== undefined) {
          throw invalidRequest(
            "You may only specify one of these parameters: amount_off, percent_off.",
            { code: "parameters_exclusive", param: "amount_off" },
          );
        }
        if (p.amount_off !== undefined && p.currency === undefined) throw missingParam("currency");
        if (p.percent_off !== undefined && (p.percent_off <= 0 || p.percent_off > 100)) {
          throw invalidParam("percent_off", "percent_off must be greater than 0 and at most 100.");
        }
        const duration = p.duration ?? "once";
        if (duration === "repeating" && p.duration_in_months === undefined)
          throw missingParam("duration_in_months");
        if (duration !== "repeating" && p.duration_in_months !== undefined) {
          throw invalidParam(
            "duration_in_months",
            "duration_in_months can only be set when duration is repeating.",
          );
        }
        if (p.redeem_by !== undefined && p.redeem_by <= ctx.now()) {
          throw invalidParam("redeem_by", "redeem_by must be in the future.");
        }
        const id = p.id ?? ctx.ids.token(8);
        if (ctx.store.get(id))
          throw invalidParam("id", "Coupon already exists.", "resource_already_exists");
        const coupon: Stripe.Coupon = {
          id,
          object: "coupon",
          amount_off: p.amount_off ?? null,
          ...(p.applies_to ? { applies_to: p.applies_to } : {}),
          created: ctx.now(),
          currency: p.amount_off !== undefined ? (p.currency ?? null) : null,
          ...(p.currency_options ? { currency_options: p.currency_options } : {}),
          duration,
          duration_in_months: p.duration_in_months ?? null,
          livemode: false,
          max_redemptions: p.max_redemptions ?? null,
          metadata: applyMetadata({}, p.metadata),
          name: p.name ?? null,
          percent_off: p.percent_off ?? null,
          redeem_by: p.redeem_by ?? null,
          times_redeemed: 0,
          valid: true,
        };
        ctx.store.insert(coupon);
        ctx.emit("coupon.created", coupon);
        return coupon;
      },
    },
    {
      method: "GET",
      path: "/v1/coupons/:id",
      handler: (ctx, req) => getCoupon(ctx, req.pathParams.id ?? "", "id"),
    },
    {
      method: "POST",
      path: "/v1/coupons/:id",
      handler: (ctx, req) => {
        const coupon = getCoupon(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(couponUpdate, req.params);
        const next: Stripe.Coupon = {
          ...coupon,
          name: p.name !== undefined ? p.name : coupon.name,
          metadata: applyMetadata(coupon.metadata, p.metadata),
          ...(p.currency_options
            ? { currency_options: { ...coupon.currency_options, ...p.currency_options } }
            : {}),
        };
        return saveAndEmitUpdate(ctx, "coupon.updated", coupon, next);
      },
    },
    {
      method: "GET",
      path: "/v1/coupons",
      handler: (ctx, req) => {
        const p = parseParams(obj({ ...listShape }), req.params);
        const page = listObjects<Stripe.Coupon>(ctx, "coupon", p, "/v1/coupons", {
          where: (c) => !isDeleted(c),
        });
        return { ...page, data: page.data.map((c) => withValidity(ctx, c)) };
      },
    },
    {
      method: "DELETE",
      path: "/v1/coupons/:id",
      handler: (ctx, req) => {
        const coupon = getCoupon(ctx, req.pathParams.id ?? "", "id");
        // Existing discounts keep working in Stripe; only new redemptions stop.
        return replaceWithDeletedStub(ctx, "coupon.deleted", coupon);
      },
    },
    {
      method: "POST",
      path: "/v1/promotion_codes",
      handler: (ctx, req) => {
        const p = parseParams(promoCreate, req.params);
        if (p.promotion.coupon === undefined) throw missingParam("promotion[coupon]");
        const coupon = getCoupon(ctx, p.promotion.coupon, "promotion[coupon]");
        if (p.customer !== undefined) getCustomer(ctx, p.customer);
        const code = p.code ?? ctx.ids.token(8).toUpperCase();
        const clash = ctx.store
          .list<Stripe.PromotionCode>("promotion_code", {
            where: (x) => x.code.toLowerCase() === code.toLowerCase() && x.active,
          })
          .map((x) => promoWithValidity(ctx, x))
          .some((x) => x.active);
        if (clash) {
          throw invalidParam(
            "code",
            "An active promotion code with `code` already exists.",
            "resource_already_exists",
          );
        }
        const r = p.restrictions ?? {};
        if (r.minimum_amount !== undefined && r.minimum_amount_currency === undefined) {
          throw missingParam("restrictions[minimum_amount_currency]");
        }
        const promo: Stripe.PromotionCode = {
          id: ctx.ids.id("promo"),
          object: "promotion_code",
          active: p.active ?? true,
          code,
          created: ctx.now(),
          customer: p.customer ?? null,
          customer_account: null,
          expires_at: p.expires_at ?? null,
          livemode: false,
          max_redemptions: p.max_redemptions ?? null,
          metadata: applyMetadata({}, p.metadata),
          promotion: { type: "coupon", coupon: coupon.id },
          restrictions: {
            first_time_transaction: r.first_time_transaction ?? false,
            minimum_amount: r.minimum_amount ?? null,
            minimum_amount_currency: r.minimum_amount_currency ?? null,
          },
          times_redeemed: 0,
        };
        ctx.store.insert(promo);
        ctx.emit("promotion_code.created", promo);
        return promo;
      },
    },
    {
      method: "GET",
      path: "/v1/promotion_codes/:id",
      handler: (ctx, req) => getPromotionCode(ctx, req.pathParams.id ?? "", "id"),
    },
    {
      method: "POST",
      path: "/v1/promotion_codes/:id",
      handler: (ctx, req) => {
        const promo = getPromotionCode(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(promoUpdate, req.params);
        if (p.active === true && !promo.active) {
          const stored = ctx.store.getTyped<Stripe.PromotionCode>("promotion_code", promo.id);
          if (
            stored?.active === true ||
            !promoWithValidity(ctx, { ...promo, active: true }).active
          ) {
            throw invalidParam("active", "This promotion code can no longer be activated.");
          }
        }
        const next: Stripe.PromotionCode = {
          ...promo,
          active: p.active ?? promo.active,
          metadata: applyMetadata(promo.metadata, p.metadata),
          restrictions: p.restrictions?.currency_options
            ? { ...promo.restrictions, currency_options: p.restrictions.currency_options }
            : promo.restrictions,
        };
        return saveAndEmitUpdate(ctx, "promotion_code.updated", promo, next);
      },
    },
    {
      method: "GET",
      path: "/v1/promotion_codes",
      handler: (ctx, req) => {
        const p = parseParams(
          obj({
            ...listShape,
            active: bool().optional(),
            code: z.string().optional(),
            coupon: z.string().optional(),
            customer: z.string().optional(),
          }),
          req.params,
        );
        const all = ctx.store
          .list<Stripe.PromotionCode>("promotion_code", { created: p.created })
          .map((x) => promoWithValidity(ctx, x))
          .filter(
            (x) =>
              (p.active === undefined || x.active === p.active) &&
              (p.code === undefined || x.code === p.code) &&
              (p.coupon === undefined || x.promotion.coupon === p.coupon) &&
              (p.customer === undefined || x.customer === p.customer),
          );
        return listFromArray(all, p, "/v1/promotion_codes");
      },
    },
  ],
};
