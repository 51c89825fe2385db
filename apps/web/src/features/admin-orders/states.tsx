import { Badge } from "@/components/ui/badge";
import type { FulfilmentState, PaymentState } from "@/features/admin-orders/search";

type Variant = "success" | "warning" | "destructive" | "outline" | "secondary";

export const PAYMENT_LABELS: Record<PaymentState, { label: string; variant: Variant }> = {
  paid: { label: "Paid", variant: "success" },
  partially_refunded: { label: "Partially refunded", variant: "warning" },
  refunded: { label: "Refunded", variant: "outline" },
  disputed: { label: "Disputed", variant: "destructive" },
};

export const FULFILMENT_LABELS: Record<
  FulfilmentState | "none",
  { label: string; variant: Variant }
> = {
  pending: { label: "Pending", variant: "warning" },
  picking: { label: "Picking", variant: "secondary" },
  packed: { label: "Packed", variant: "secondary" },
  shipped: { label: "Shipped", variant: "secondary" },
  delivered: { label: "Delivered", variant: "success" },
  canceled: { label: "Canceled", variant: "outline" },
  none: { label: "Nothing to ship", variant: "outline" },
};

export function PaymentStateBadge({ state }: { state: PaymentState }) {
  const { label, variant } = PAYMENT_LABELS[state];
  return <Badge variant={variant}>{label}</Badge>;
}

export function FulfilmentStateBadge({ state }: { state: FulfilmentState | null }) {
  const { label, variant } = FULFILMENT_LABELS[state ?? "none"];
  return <Badge variant={variant}>{label}</Badge>;
}
