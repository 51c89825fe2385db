import type Stripe from "stripe";
import type { Ctx } from "../../core/types.ts";
import { idOf } from "../../core/util.ts";
import { couponDiscount } from "../../resources/coupons.ts";
import { applyInvoiceTax } from "../../tax/invoice-tax.ts";

/**
 * An invoice's amounts from its lines: discounts per line, `subtotal`, `total` and, on a
 * draft, `amount_due`. Every invoice (draft, preview, edited draft, finalization) goes
 * through `computeTotals`, so a new kind of amount (tax…) belongs here.
 */

type Line = Stripe.InvoiceLineItem & {
  discount_amounts: Stripe.InvoiceLineItem.DiscountAmount[];
  discounts: string[];
};

/** The coupon behind a discount id; previews pass coupon ids where a stored invoice has discounts. */
function couponOf(ctx: Ctx, discountId: string): Stripe.Coupon | undefined {
  const found = ctx.store.get<Stripe.Discount | Stripe.Coupon>(discountId);
  const couponId =
    found?.object === "discount"
      ? idOf(found.source.coupon)
      : found?.object === "coupon"
        ? found.id
        : "";
  return couponId ? ctx.store.get<Stripe.Coupon>(couponId) : undefined;
}

/** Spreads `off` over the discountable lines in proportion, the remainder on the last one. */
function allocate(lines: Line[], discountId: string, off: number): void {
  const eligible = lines.filter((l) => l.discountable && l.amount > 0);
  const positive = eligible.reduce((s, l) => s + l.amount, 0);
  let allotted = 0;
  eligible.forEach((l, i) => {
    const share =
      i === eligible.length - 1 ? off - allotted : Math.floor((off * l.amount) / positive);
    allotted += share;
    l.discount_amounts.push({ amount: share, discount: discountId });
    l.discounts.push(discountId);
  });
}

/**
 * Recomputes discounts and totals from the lines. Percent coupons take their share of each
 * discountable line; amount coupons are spread over the lines in proportion, with the
 * rounding remainder on the last of them.
 */
export function computeTotals(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Invoice {
  const lines: Line[] = invoice.lines.data.map((l) => ({
    ...l,
    discount_amounts: [],
    discounts: [],
  }));
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  const totalDiscounts: Stripe.Invoice.TotalDiscountAmount[] = [];
  let remaining = lines.filter((l) => l.discountable).reduce((s, l) => s + l.amount, 0);
  for (const discountId of invoice.discounts.map(idOf)) {
    const coupon = couponOf(ctx, discountId);
    if (!coupon || remaining <= 0) {
      totalDiscounts.push({ amount: 0, discount: discountId });
      continue;
    }
    const off = Math.min(remaining, couponDiscount(coupon, remaining, invoice.currency));
    remaining -= off;
    totalDiscounts.push({ amount: off, discount: discountId });
    allocate(lines, discountId, off);
  }
  const discountTotal = totalDiscounts.reduce((s, d) => s + d.amount, 0);
  const total = subtotal - discountTotal;
  const next = applyInvoiceTax(ctx, {
    ...invoice,
    lines: { ...invoice.lines, data: lines },
    subtotal,
    total,
    total_discount_amounts: totalDiscounts,
  });
  if (next.status === "draft") {
    next.amount_due = Math.max(0, next.total);
    next.amount_remaining = next.amount_due;
  }
  return next;
}
