import { Badge } from "@/components/ui/badge";
import type { Invoice } from "@/features/invoices/search";

const STATE = {
  paid: { label: "Paid", variant: "success" },
  due: { label: "Due", variant: "warning" },
  overdue: { label: "Overdue", variant: "destructive" },
  void: { label: "Void", variant: "outline" },
  uncollectible: { label: "Uncollectible", variant: "destructive" },
} as const satisfies Record<
  Invoice["state"],
  { label: string; variant: "success" | "warning" | "destructive" | "outline" }
>;

export function InvoiceStateBadge({ state }: { state: Invoice["state"] }) {
  const { label, variant } = STATE[state];
  return <Badge variant={variant}>{label}</Badge>;
}
