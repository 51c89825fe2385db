import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { PackageXIcon } from "lucide-react";
import type * as React from "react";
import { BackLink, DetailSection, Fact } from "@/components/detail-page";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { OrderActions } from "@/features/admin-orders/order-actions";
import { OrderTimeline } from "@/features/admin-orders/order-timeline";
import type { AdminOrder } from "@/features/admin-orders/search";
import { FulfilmentStateBadge, PaymentStateBadge } from "@/features/admin-orders/states";
import { formatMoney } from "@/features/billing/format";
import { addressLines } from "@/features/fulfilment/address";
import { errorInfo } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/orders/$orderId");
const words = (s: string) => s.replaceAll("_", " ");

/** One order: items, totals, payment, ship-to and shipment, refunds and its timeline. */
export function AdminOrderPage() {
  const { orderId } = routeApi.useParams();
  const order = useQuery(trpc.admin.orders.byId.queryOptions({ orderId }));

  if (order.isPending) {
    return (
      <div className="space-y-6" aria-busy="true" aria-label="Loading the order">
        <Skeleton className="h-10 w-72" />
        <div className="grid gap-4 md:grid-cols-3">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} className="h-36" />
          ))}
        </div>
        <Skeleton className="h-48" />
      </div>
    );
  }
  if (order.isError) {
    return (
      <div className="space-y-6">
        <BackLink to="/admin/orders">All orders</BackLink>
        {errorInfo(order.error).code === "NOT_FOUND" ? (
          <EmptyState
            icon={PackageXIcon}
            title="No such order"
            description="This link does not name an order. Search the orders list instead."
          />
        ) : (
          <ErrorState
            title="This order couldn't be loaded"
            error={order.error}
            onRetry={() => void order.refetch()}
          />
        )}
      </div>
    );
  }
  const o = order.data;
  return (
    <div className="space-y-6">
      <BackLink to="/admin/orders">All orders</BackLink>
      <PageHeader
        title={<span className="font-mono text-xl">{o.id}</span>}
        documentTitle={`Order ${o.id}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            Placed {formatDateTime(o.placedAt)}
            <PaymentStateBadge state={o.payment.state} />
            {o.requiresShipping && <FulfilmentStateBadge state={o.shipment?.status ?? null} />}
          </span>
        }
        actions={<OrderActions order={o} />}
      />
      <div className="grid gap-4 md:grid-cols-3">
        <CustomerCard order={o} />
        <PaymentCard order={o} />
        <ShippingCard order={o} />
      </div>
      <DetailSection title="Items">
        <Items order={o} />
      </DetailSection>
      <div className="grid gap-6 xl:grid-cols-2">
        <DetailSection title="Refunds">
          <Refunds order={o} />
        </DetailSection>
        <DetailSection title="Timeline">
          <OrderTimeline entries={o.timeline} />
        </DetailSection>
      </div>
    </div>
  );
}

function CustomerCard({ order: o }: { order: AdminOrder }) {
  const c = o.customer;
  return (
    <DetailSection title="Customer">
      <dl className="space-y-2">
        <Fact label="E-mail">{c.email ?? "—"}</Fact>
        {c.userId ? (
          <Fact label="Account">
            <Link
              to="/admin/customers/$customerId"
              params={{ customerId: c.userId }}
              className="underline underline-offset-4"
            >
              {c.name ?? c.accountEmail ?? c.userId}
            </Link>
          </Fact>
        ) : (
          <Fact label="Account">None (guest checkout)</Fact>
        )}
        <Fact label="Stripe customer">
          {c.stripeCustomerId ? <code className="text-xs">{c.stripeCustomerId}</code> : "—"}
        </Fact>
      </dl>
    </DetailSection>
  );
}

function PaymentCard({ order: o }: { order: AdminOrder }) {
  const t = o.totals;
  const pi = o.payment.paymentIntent;
  const charge = o.payment.charges[0];
  return (
    <DetailSection title="Payment">
      <dl className="space-y-2">
        <Fact label="Subtotal">{formatMoney(t.subtotal, t.currency)}</Fact>
        {t.discount > 0 && <Fact label="Discount">−{formatMoney(t.discount, t.currency)}</Fact>}
        {t.shipping > 0 && <Fact label="Shipping">{formatMoney(t.shipping, t.currency)}</Fact>}
        {t.tax > 0 && <Fact label="Tax">{formatMoney(t.tax, t.currency)}</Fact>}
        <Fact label="Total">
          <span className="font-medium tabular-nums">{formatMoney(t.total, t.currency)}</span>
        </Fact>
        {t.refunded > 0 && <Fact label="Refunded">−{formatMoney(t.refunded, t.currency)}</Fact>}
        <Fact label="Payment intent">
          {pi ? (
            <span className="flex flex-col items-end gap-0.5">
              <code className="text-xs">{pi.id}</code>
              {pi.status && <span className="text-muted-foreground">{words(pi.status)}</span>}
            </span>
          ) : (
            "—"
          )}
        </Fact>
        {charge && (
          <Fact label="Charge">
            <span className="flex flex-col items-end gap-0.5">
              <code className="text-xs">{charge.id}</code>
              <span className="text-muted-foreground">
                {words(charge.status)}
                {charge.disputed ? " · disputed" : ""}
              </span>
            </span>
          </Fact>
        )}
        {o.payment.disputeStatus && (
          <Fact label="Dispute">
            <Badge variant="destructive">{words(o.payment.disputeStatus)}</Badge>
          </Fact>
        )}
      </dl>
    </DetailSection>
  );
}

function ShippingCard({ order: o }: { order: AdminOrder }) {
  const a = o.shippingAddress;
  const s = o.shipment;
  if (!a) {
    return (
      <DetailSection title="Shipping">
        <p className="text-sm text-muted-foreground">Nothing to ship: delivered digitally.</p>
      </DetailSection>
    );
  }
  return (
    <DetailSection title="Shipping">
      <address className="text-sm not-italic">
        {addressLines(a).map((line) => (
          <span key={line} className="block">
            {line}
          </span>
        ))}
        {a.phone && <span className="block text-muted-foreground">{a.phone}</span>}
      </address>
      {s && (
        <dl className="mt-3 space-y-2 border-t pt-3">
          <Fact label="State">
            <FulfilmentStateBadge state={s.status} />
          </Fact>
          {s.carrier && <Fact label="Carrier">{s.carrier}</Fact>}
          {s.trackingNumber && (
            <Fact label="Tracking">
              {s.trackingUrl ? (
                <a
                  href={s.trackingUrl}
                  target="_blank"
                  rel="noreferrer"
                  className="underline underline-offset-4"
                >
                  {s.trackingNumber}
                </a>
              ) : (
                s.trackingNumber
              )}
            </Fact>
          )}
          {s.shippedAt && <Fact label="Shipped">{formatDateTime(s.shippedAt)}</Fact>}
          {s.deliveredAt && <Fact label="Delivered">{formatDateTime(s.deliveredAt)}</Fact>}
          {s.cancelReason && <Fact label="Canceled">{s.cancelReason}</Fact>}
          {s.notes && <Fact label="Notes">{s.notes}</Fact>}
        </dl>
      )}
    </DetailSection>
  );
}

function Items({ order: o }: { order: AdminOrder }) {
  const currency = o.totals.currency;
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Item</TableHead>
          <TableHead className="text-right">Quantity</TableHead>
          <TableHead className="hidden text-right sm:table-cell">Unit price</TableHead>
          <TableHead className="text-right">Total</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {o.items.map((i) => (
          <TableRow key={i.id}>
            <TableCell className="whitespace-normal">
              {i.description}
              <span className="block text-xs text-muted-foreground">
                {i.requiresShipping ? "Ships" : "Digital"}
                {i.creditsGranted > 0 ? ` · ${i.creditsGranted} credits` : ""}
              </span>
            </TableCell>
            <TableCell className="text-right tabular-nums">{i.quantity}</TableCell>
            <TableCell className="hidden text-right tabular-nums sm:table-cell">
              {i.unitAmount === null ? "—" : formatMoney(i.unitAmount, currency)}
            </TableCell>
            <TableCell className="text-right tabular-nums">
              {formatMoney(i.amountTotal, currency)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Refunds({ order: o }: { order: AdminOrder }) {
  if (o.refunds.length === 0) {
    return <p className="text-sm text-muted-foreground">No refunds in Stripe for this order.</p>;
  }
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Refund</TableHead>
          <TableHead>Status</TableHead>
          <TableHead className="text-right">Amount</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {o.refunds.map((r) => (
          <TableRow key={r.id}>
            <TableCell className="whitespace-normal">
              <code className="text-xs">{r.id}</code>
              <span className="block text-xs text-muted-foreground">
                {formatDateTime(r.created)}
                {r.reason ? ` · ${words(r.reason)}` : ""}
              </span>
            </TableCell>
            <TableCell>
              <Badge
                variant={
                  r.status === "failed"
                    ? "destructive"
                    : r.status === "succeeded"
                      ? "success"
                      : "secondary"
                }
              >
                {words(r.status ?? "pending")}
              </Badge>
              {r.failureReason && (
                <span className="block text-xs text-destructive">{words(r.failureReason)}</span>
              )}
            </TableCell>
            <TableCell className="text-right tabular-nums">
              {formatMoney(r.amount, r.currency)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
