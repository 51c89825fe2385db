/**
 * Tax on an invoice as a reader needs it, from the Stripe invoice the mirror keeps (`raw`):
 * Stripe reports tax per line and in `total_taxes`, both in minor units. A tax line names its
 * rate by id only; the percentage shown is the line's own (amount ÷ taxable amount), which is
 * the rate up to the per-line rounding.
 */

export interface InvoiceTax {
  /** Tax in the invoice's total, added or included, in minor units. */
  amount: number;
  /** The total without any tax (what revenue counts). */
  totalExcludingTax: number;
  /** Every taxed amount is reverse charged: the business buyer accounts for VAT itself. */
  reverseCharge: boolean;
  /** Distinct percentages charged, e.g. [19]; empty when nothing was charged. */
  rates: number[];
  /** Tax added on top of prices (exclusive) rather than included in them. */
  added: boolean;
}

interface TaxLine {
  amount: number;
  taxable: number;
  inclusive: boolean;
  reason: string;
}

function taxLines(raw: Record<string, unknown>): TaxLine[] {
  const list = raw.total_taxes;
  if (!Array.isArray(list)) return [];
  return list.flatMap((t: unknown) => {
    const o = t as Record<string, unknown>;
    if (typeof o.amount !== "number") return [];
    return [
      {
        amount: o.amount,
        taxable: typeof o.taxable_amount === "number" ? o.taxable_amount : 0,
        inclusive: o.tax_behavior === "inclusive",
        reason: typeof o.taxability_reason === "string" ? o.taxability_reason : "",
      },
    ];
  });
}

/** The invoice's tax, or null when Stripe computed none for it (no tax lines at all). */
export function invoiceTax(raw: Record<string, unknown>, total: number): InvoiceTax | null {
  const lines = taxLines(raw);
  if (lines.length === 0) return null;
  const amount = lines.reduce((s, l) => s + l.amount, 0);
  const reported = raw.total_excluding_tax;
  const rates = [
    ...new Set(
      lines
        .filter((l) => l.amount !== 0 && l.taxable !== 0)
        .map((l) => Math.round((l.amount * 10_000) / l.taxable) / 100),
    ),
  ];
  return {
    amount,
    totalExcludingTax: typeof reported === "number" ? reported : total - amount,
    reverseCharge: lines.every((l) => l.reason === "reverse_charge"),
    rates,
    added: lines.some((l) => !l.inclusive && l.amount !== 0),
  };
}
