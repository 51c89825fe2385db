import { ExternalLinkIcon } from "lucide-react";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Separator } from "@/components/ui/separator";
import { formatDate, formatMoney } from "@/features/billing/format";
import { PaymentBadge, ShipmentBadge } from "@/features/orders/order-states";
import type { Order } from "@/features/orders/search";

/** Orders are named by the end of their id: short, stable, and what support can look up. */
export function orderReference(id: string): string {
  return id.replace(/^ord_/, "").slice(-8).toUpperCase();
}

function itemNote(item: Order["items"][number]): string | null {
  if (item.creditsGranted > 0) return `${item.creditsGranted.toLocaleString()} credits`;
  if (item.kind === "digital") return "Digital download";
  return null;
}

function Shipment({ order }: { order: Order }) {
  const s = order.shipment;
  if (!s.physical) {
    return (
      <p className="text-sm text-muted-foreground">
        Delivered to your account on {formatDate(s.deliveredAt)}.
      </p>
    );
  }
  const address = order.shippingAddress;
  const lines = address
    ? [
        address.name,
        address.line1,
        address.line2,
        [address.city, [address.state, address.postalCode].filter(Boolean).join(" ")]
          .filter(Boolean)
          .join(", "),
        address.country,
      ].filter(Boolean)
    : [];
  return (
    <div className="grid gap-4 text-sm sm:grid-cols-2">
      <div className="space-y-1">
        <h4 className="font-medium">Shipment</h4>
        {s.state === "awaiting_shipment" && (
          <p className="text-muted-foreground">We're preparing your order for shipment.</p>
        )}
        {s.state === "packed" && (
          <p className="text-muted-foreground">Packed and waiting for the carrier.</p>
        )}
        {(s.state === "shipped" || s.state === "delivered") && (
          <p className="text-muted-foreground">
            {s.state === "shipped"
              ? `Shipped on ${formatDate(s.shippedAt)}`
              : `Delivered on ${formatDate(s.deliveredAt)}`}
            {s.carrier && ` with ${s.carrier}`}
            {s.trackingNumber && ` · tracking ${s.trackingNumber}`}
          </p>
        )}
        {s.state === "canceled" && (
          <p className="text-muted-foreground">This shipment was canceled.</p>
        )}
        {s.trackingUrl && (
          <a
            href={s.trackingUrl}
            target="_blank"
            rel="noreferrer"
            className="inline-flex items-center gap-1 font-medium text-primary underline-offset-4 hover:underline"
          >
            Track your package
            <ExternalLinkIcon className="size-3.5" aria-hidden="true" />
            <span className="sr-only"> (opens in a new tab)</span>
          </a>
        )}
      </div>
      {lines.length > 0 && (
        <div className="space-y-1">
          <h4 className="font-medium">Ships to</h4>
          <address className="text-muted-foreground not-italic">
            {lines.map((line) => (
              <div key={line}>{line}</div>
            ))}
          </address>
        </div>
      )}
    </div>
  );
}

/** One order: when, what, what it cost, where the money and the goods are. */
export function OrderCard({ order }: { order: Order }) {
  const ref = orderReference(order.id);
  const headingId = `order-${order.id}`;
  return (
    <Card aria-labelledby={headingId} role="article" className="gap-4">
      <CardHeader className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="space-y-1">
          <CardTitle id={headingId} className="text-base">
            <h3>Order {ref}</h3>
          </CardTitle>
          <p className="text-sm text-muted-foreground">Placed on {formatDate(order.placedAt)}</p>
        </div>
        <div className="flex flex-wrap gap-2">
          <PaymentBadge state={order.paymentState} />
          <ShipmentBadge shipment={order.shipment} />
        </div>
      </CardHeader>
      <CardContent className="space-y-4">
        <ul className="divide-y text-sm" aria-label={`Items in order ${ref}`}>
          {order.items.map((item, index) => {
            const note = itemNote(item);
            return (
              <li key={index} className="flex items-start justify-between gap-4 py-2">
                <div className="min-w-0">
                  <p className="font-medium break-words">
                    {item.description}
                    {item.quantity > 1 && (
                      <span className="font-normal text-muted-foreground"> × {item.quantity}</span>
                    )}
                  </p>
                  {note && <p className="text-xs text-muted-foreground">{note}</p>}
                </div>
                <span className="shrink-0 tabular-nums">
                  {formatMoney(item.amountTotal, order.currency)}
                </span>
              </li>
            );
          })}
        </ul>
        <dl className="space-y-1 text-sm">
          {order.amountShipping > 0 && (
            <div className="flex justify-between">
              <dt className="text-muted-foreground">Shipping</dt>
              <dd className="tabular-nums">{formatMoney(order.amountShipping, order.currency)}</dd>
            </div>
          )}
          {order.amountDiscount > 0 && (
            <div className="flex justify-between">
              <dt className="text-muted-foreground">Discount</dt>
              <dd className="tabular-nums">
                {"\u2212"}
                {formatMoney(order.amountDiscount, order.currency)}
              </dd>
            </div>
          )}
          {order.amountTax > 0 && (
            <div className="flex justify-between">
              <dt className="text-muted-foreground">Tax</dt>
              <dd className="tabular-nums">{formatMoney(order.amountTax, order.currency)}</dd>
            </div>
          )}
          <div className="flex justify-between font-medium">
            <dt>Total</dt>
            <dd className="tabular-nums">{formatMoney(order.amountTotal, order.currency)}</dd>
          </div>
          {order.amountRefunded > 0 && (
            <div className="flex justify-between">
              <dt className="text-muted-foreground">Refunded</dt>
              <dd className="tabular-nums">{formatMoney(order.amountRefunded, order.currency)}</dd>
            </div>
          )}
        </dl>
        <Separator />
        <Shipment order={order} />
      </CardContent>
    </Card>
  );
}
