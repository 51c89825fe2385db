import { ApiError } from "../core/errors.ts";
import type { Ctx } from "../core/types.ts";
import { resolvePromotionCode } from "../resources/coupons.ts";
import { FormError } from "../pages/card-form.ts";
import { saveRecalculated } from "./amounts.ts";
import type { FormState } from "./page.ts";
import { getSessionPrivate, type Session } from "./session.ts";

/** The page's small forms: a promotion code applied or removed, a quantity changed. */

/** Applies the promotion-code and quantity forms; returns the state to re-render with. */
export function applyAdjustment(
  ctx: Ctx,
  session: Session,
  form: Record<string, unknown>,
): { session: Session; state: FormState } {
  const priv = getSessionPrivate(ctx, session.id);
  const action = form.action;
  if (action === "apply_promo") {
    const code = typeof form.promotion_code === "string" ? form.promotion_code.trim() : "";
    if (!session.allow_promotion_codes) {
      return {
        session,
        state: { promoError: "Promotion codes are not accepted for this purchase." },
      };
    }
    if (!code) return { session, state: { promoError: "Enter a promotion code." } };
    try {
      const subtotal = priv.lineItems.reduce((s, li) => s + li.amount_subtotal, 0);
      const { promotionCode, coupon } = resolvePromotionCode(ctx, code, {
        customer: typeof session.customer === "string" ? session.customer : null,
        amount: subtotal,
        ...(session.currency ? { currency: session.currency } : {}),
      });
      if (coupon.amount_off !== null && coupon.currency !== session.currency) {
        const other = coupon.currency_options?.[session.currency ?? ""];
        if (!other) throw new FormError("This code is not valid for this currency.");
      }
      const next = saveRecalculated(
        ctx,
        { ...session, discounts: [{ coupon: coupon.id, promotion_code: promotionCode.id }] },
        priv,
      );
      return { session: next, state: { notice: `Promotion code ${promotionCode.code} applied.` } };
    } catch (error) {
      if (error instanceof FormError || error instanceof ApiError) {
        return {
          session,
          state: { promoError: "This code is invalid.", values: { promotion_code: code } },
        };
      }
      throw error;
    }
  }
  if (action === "remove_promo") {
    return { session: saveRecalculated(ctx, { ...session, discounts: [] }, priv), state: {} };
  }
  // update_quantity
  const id = typeof form.line_item === "string" ? form.line_item : "";
  const raw = typeof form.quantity === "string" ? form.quantity.trim() : "";
  const index = priv.lineItems.findIndex((li) => li.id === id);
  const li = priv.lineItems[index];
  if (!li?.adjustable_quantity?.enabled) {
    return { session, state: { error: "This item's quantity cannot be changed." } };
  }
  const min = li.adjustable_quantity.minimum ?? 0;
  const max = li.adjustable_quantity.maximum ?? 99;
  const qty = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(qty) || qty < min || qty > max) {
    return { session, state: { error: `Quantity must be between ${min} and ${max}.` } };
  }
  const unit = li.price?.unit_amount ?? 0;
  priv.lineItems[index] = {
    ...li,
    quantity: qty,
    amount_subtotal: unit * qty,
    amount_total: unit * qty,
  };
  if (priv.lineItems.every((x) => (x.quantity ?? 0) === 0)) {
    return { session, state: { error: "Your order must contain at least one item." } };
  }
  return { session: saveRecalculated(ctx, session, priv), state: {} };
}
