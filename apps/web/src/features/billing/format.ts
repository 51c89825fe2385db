export { formatMoney } from "@folio/billing/money";
import { onFirstUse } from "@/lib/format";

const dateFormat = onFirstUse(() => new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }));

/** A calendar date from an API timestamp (ISO string); em dash when absent. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "—" : dateFormat().format(date);
}
