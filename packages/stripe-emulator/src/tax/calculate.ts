import type Stripe from "stripe";
import { invalidParam } from "../core/errors.ts";
import type { Ctx } from "../core/types.ts";
import { exclusiveTax, inclusiveNet } from "./money.ts";
import { automaticTaxRate } from "./rates.ts";
import {
  DEFAULT_TAX_CODE,
  isRecognizedLocation,
  jurisdictionFor,
  NONTAXABLE_TAX_CODE,
  ORIGIN_COUNTRY,
  type Jurisdiction,
} from "./table.ts";
import { businessVatId } from "./tax-ids.ts";

/**
 * Tax of lines: automatic (the test-mode table in `table.ts`) or from tax rates the caller
 * chose. One shape for invoice lines, invoice totals and checkout line items.
 */

export type LineTax = Stripe.InvoiceLineItem.Tax;
export type TaxBehavior = "inclusive" | "exclusive";

export interface TaxableLine {
  /** What the customer pays for the line before exclusive tax, after discounts. */
  amount: number;
  taxBehavior: TaxBehavior;
  taxCode: string | null;
}

export interface TaxCustomer {
  country: string | null;
  state: string | null;
  taxExempt: Stripe.Customer.TaxExempt;
  taxIds: readonly Pick<Stripe.TaxId, "type" | "verification">[];
}

export interface AutomaticResult {
  status: "complete" | "requires_location_inputs";
  /** One list per input line (empty when the location is unknown). */
  taxes: LineTax[][];
}

/** A price's tax behaviour; `unspecified` counts as exclusive (the account's default in test mode). */
export function behaviorOf(price: Stripe.Price | null | undefined): TaxBehavior {
  return price?.tax_behavior === "inclusive" ? "inclusive" : "exclusive";
}

/** The customer facts automatic tax looks at: billing address, else shipping; exemption; tax ids. */
export function taxCustomer(
  customer: Pick<Stripe.Customer, "address" | "shipping" | "tax_exempt">,
  taxIds: TaxCustomer["taxIds"],
): TaxCustomer {
  const address = customer.address?.country ? customer.address : customer.shipping?.address;
  return {
    country: address?.country ?? null,
    state: address?.state ?? null,
    taxExempt: customer.tax_exempt ?? "none",
    taxIds,
  };
}

/**
 * Stripe refuses automatic tax for a customer it cannot place (`customer_tax_location_invalid`):
 * a subscription with it needs a billing or shipping address first.
 */
export function assertTaxLocation(
  customer: Pick<Stripe.Customer, "address" | "shipping" | "tax_exempt">,
  param: string,
): void {
  const c = taxCustomer(customer, []);
  if (!isRecognizedLocation(c.country, c.state)) {
    throw invalidParam(
      param,
      "The customer's location isn't recognized. Add a billing address (country, and state in the US) to calculate tax automatically.",
      "customer_tax_location_invalid",
    );
  }
}

function tax(
  amount: number,
  taxable: number,
  behavior: TaxBehavior,
  reason: Stripe.InvoiceLineItem.Tax.TaxabilityReason,
  rate: Stripe.TaxRate | null,
): LineTax {
  return {
    amount,
    tax_behavior: behavior,
    tax_rate_details: rate ? { tax_rate: rate.id } : null,
    taxability_reason: reason,
    taxable_amount: taxable,
    type: "tax_rate_details",
  };
}

/** Why a sale to this customer is not taxed at the standard rate, if it is not. */
function exemption(c: TaxCustomer, j: Jurisdiction): "customer_exempt" | "reverse_charge" | null {
  if (c.taxExempt === "exempt") return "customer_exempt";
  if (c.taxExempt === "reverse") return "reverse_charge";
  // B2B supply of services to a VAT-registered business abroad: the buyer accounts for VAT.
  if (j.taxType === "vat" && j.country !== ORIGIN_COUNTRY && businessVatId(c.taxIds)) {
    return "reverse_charge";
  }
  return null;
}

function automaticLine(ctx: Ctx, c: TaxCustomer, j: Jurisdiction | null, line: TaxableLine) {
  const b = line.taxBehavior;
  if (!j) return [tax(0, line.amount, b, "not_collecting", null)];
  if ((line.taxCode ?? DEFAULT_TAX_CODE) === NONTAXABLE_TAX_CODE) {
    return [
      tax(0, line.amount, b, "product_exempt", automaticTaxRate(ctx, j, b === "inclusive", 0)),
    ];
  }
  const exempt = exemption(c, j);
  if (exempt) {
    return [tax(0, line.amount, b, exempt, automaticTaxRate(ctx, j, b === "inclusive", 0))];
  }
  const rate = automaticTaxRate(ctx, j, b === "inclusive", j.percentage);
  if (b === "inclusive") {
    const net = inclusiveNet(line.amount, j.percentage);
    return [tax(line.amount - net, net, b, "standard_rated", rate)];
  }
  return [tax(exclusiveTax(line.amount, j.percentage), line.amount, b, "standard_rated", rate)];
}

/** Stripe Tax for lines sold to a customer, from the test-mode table. */
export function automaticTax(ctx: Ctx, c: TaxCustomer, lines: TaxableLine[]): AutomaticResult {
  if (!isRecognizedLocation(c.country, c.state)) {
    return { status: "requires_location_inputs", taxes: lines.map(() => []) };
  }
  const j = jurisdictionFor(c.country, c.state);
  return { status: "complete", taxes: lines.map((l) => automaticLine(ctx, c, j, l)) };
}

/**
 * Tax from tax rates chosen by the merchant (`tax_rates`, `default_tax_rates`). Inclusive
 * rates are taken out of the amount together (each rate's share rounded, the last one takes
 * the remainder so net + taxes = amount); exclusive rates are added on the net.
 */
export function rateTaxes(amount: number, rates: readonly Stripe.TaxRate[]): LineTax[] {
  const inclusive = rates.filter((r) => r.inclusive);
  const inclusivePct = inclusive.reduce((s, r) => s + r.percentage, 0);
  const net = inclusive.length > 0 ? inclusiveNet(amount, inclusivePct) : amount;
  let inclusiveLeft = amount - net;
  return rates.map((r) => {
    if (!r.inclusive) {
      return tax(exclusiveTax(net, r.percentage), net, "exclusive", "not_available", r);
    }
    const last = r === inclusive[inclusive.length - 1];
    const share = last ? inclusiveLeft : exclusiveTax(net, r.percentage);
    inclusiveLeft -= share;
    return tax(share, net, "inclusive", "not_available", r);
  });
}

/** Exclusive tax of a list of taxes (what is added on top of the amount). */
export function exclusiveAmount(taxes: readonly LineTax[]): number {
  return taxes.reduce((s, t) => s + (t.tax_behavior === "exclusive" ? t.amount : 0), 0);
}

export function inclusiveAmount(taxes: readonly LineTax[]): number {
  return taxes.reduce((s, t) => s + (t.tax_behavior === "inclusive" ? t.amount : 0), 0);
}

/** Sums taxes by rate, reason and behaviour: an invoice's `total_taxes`. */
export function totalTaxes(lines: readonly (readonly LineTax[])[]): LineTax[] {
  const out = new Map<string, LineTax>();
  for (const t of lines.flat()) {
    const key = `${t.tax_rate_details?.tax_rate ?? ""}|${t.taxability_reason}|${t.tax_behavior}`;
    const seen = out.get(key);
    if (seen) {
      seen.amount += t.amount;
      seen.taxable_amount = (seen.taxable_amount ?? 0) + (t.taxable_amount ?? 0);
    } else {
      out.set(key, {
        ...t,
        tax_rate_details: t.tax_rate_details ? { ...t.tax_rate_details } : null,
      });
    }
  }
  return [...out.values()];
}
