import { formatMoney } from "@/features/billing/format";

/** The tax Folio knows of an invoice (the billing package's `InvoiceTax`). */
export interface InvoiceTaxView {
  amount: number;
  reverseCharge: boolean;
  rates: number[];
}

const percent = (rate: number) => `${Number.isInteger(rate) ? rate : rate.toFixed(2)} %`;

/**
 * One line under an invoice's total: "incl. €0.57 tax (19 %)", or "VAT reverse charged" when
 * the buyer is a business that accounts for VAT itself; null for an invoice without tax.
 */
export function taxNote(tax: InvoiceTaxView | null, currency: string): string | null {
  if (!tax) return null;
  if (tax.reverseCharge) return "VAT reverse charged";
  if (tax.amount === 0) return null;
  const rates = tax.rates.length > 0 ? ` (${tax.rates.map(percent).join(", ")})` : "";
  return `incl. ${formatMoney(tax.amount, currency)} tax${rates}`;
}
