import type Stripe from "stripe";

/**
 * How the hosted invoice page and the PDF show tax: one row per rate in `total_taxes`
 * (inclusive tax noted as included), a reverse charge as its own 0.00 row, and the customer's
 * tax ids under "Bill to" — an EU invoice without VAT must say why.
 */

export interface TaxRow {
  label: string;
  amount: number;
}

const percent = (amount: number, taxable: number): string => {
  const p = Math.round((amount * 10_000) / taxable) / 100;
  return `${Number.isInteger(p) ? p : p.toFixed(2)}%`;
};

export function invoiceTaxRows(invoice: Stripe.Invoice): TaxRow[] {
  return (invoice.total_taxes ?? []).flatMap((t) => {
    if (t.taxability_reason === "reverse_charge") {
      return [{ label: "VAT reverse charge", amount: t.amount }];
    }
    if (t.amount === 0 || !t.taxable_amount) return [];
    const rate = percent(t.amount, t.taxable_amount);
    const label = t.tax_behavior === "inclusive" ? `Tax included (${rate})` : `Tax (${rate})`;
    return [{ label, amount: t.amount }];
  });
}

const TAX_ID_LABELS: Record<string, string> = { eu_vat: "VAT", gb_vat: "VAT", us_ein: "EIN" };

/** "VAT DE123456789" for each tax id the invoice recorded of its customer. */
export function customerTaxIdLines(invoice: Stripe.Invoice): string[] {
  return (invoice.customer_tax_ids ?? []).map((t) =>
    `${TAX_ID_LABELS[t.type] ?? t.type.toUpperCase()} ${t.value ?? ""}`.trim(),
  );
}
