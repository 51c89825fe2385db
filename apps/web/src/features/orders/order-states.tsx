import { Badge } from "@/components/ui/badge";
import type { Order } from "@/features/orders/search";

type Variant = "success" | "warning" | "destructive" | "outline" | "secondary";

const PAYMENT: Record<Order["paymentState"], { label: string; variant: Variant }> = {
  paid: { label: "Paid", variant: "success" },
  partially_refunded: { label: "Partially refunded", variant: "warning" },
  refunded: { label: "Refunded", variant: "outline" },
  disputed: { label: "Disputed", variant: "destructive" },
};

const SHIPMENT: Record<Order["shipment"]["state"], { label: string; variant: Variant }> = {
  awaiting_shipment: { label: "Awaiting shipment", variant: "warning" },
  packed: { label: "Packed", variant: "secondary" },
  shipped: { label: "Shipped", variant: "secondary" },
  delivered: { label: "Delivered", variant: "success" },
  canceled: { label: "Shipment canceled", variant: "outline" },
};

export function PaymentBadge({ state }: { state: Order["paymentState"] }) {
  const { label, variant } = PAYMENT[state];
  return <Badge variant={variant}>{label}</Badge>;
}

export function ShipmentBadge({ shipment }: { shipment: Order["shipment"] }) {
  const { label, variant } = SHIPMENT[shipment.state];
  return <Badge variant={variant}>{shipment.physical ? label : `${label} digitally`}</Badge>;
}
