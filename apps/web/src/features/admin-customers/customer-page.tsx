import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { UserXIcon } from "lucide-react";
import type * as React from "react";
import { BackLink, DetailSection, Fact } from "@/components/detail-page";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { CustomerActions } from "@/features/admin-customers/customer-actions";
import { RefundDialog } from "@/features/refunds/refund-dialog";
import type { Customer } from "@/features/admin-customers/search";
import { SubscriptionBadge } from "@/features/admin-customers/subscription-badge";
import { CustomerTimeline } from "@/features/admin-customers/timeline";
import { CustomerWallet } from "@/features/wallets/customer-wallet";
import { formatDate, formatMoney } from "@/features/billing/format";
import { errorInfo } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";
import { taxNote } from "@/features/invoices/tax-note";

const routeApi = getRouteApi("/admin/customers/$customerId");
const words = (s: string) => s.replaceAll("_", " ");

/** One customer: account, Stripe customer, credit, subscriptions, invoices, orders, timeline. */
export function CustomerPage() {
  const { customerId } = routeApi.useParams();
  const customer = useQuery(trpc.admin.customers.byId.queryOptions({ customerId }));

  if (customer.isPending) {
    return (
      <div className="space-y-6" aria-busy="true" aria-label="Loading the customer">
        <Skeleton className="h-10 w-72" />
        <div className="grid gap-4 md:grid-cols-3">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} className="h-28" />
          ))}
        </div>
      </div>
    );
  }
  if (customer.isError) {
    return (
      <div className="space-y-6">
        <BackLink to="/admin/customers">All customers</BackLink>
        {errorInfo(customer.error).code === "NOT_FOUND" ? (
          <EmptyState
            icon={UserXIcon}
            title="No such customer"
            description="This link does not name a customer account. Search the customers list instead."
          />
        ) : (
          <ErrorState
            title="This customer couldn't be loaded"
            error={customer.error}
            onRetry={() => void customer.refetch()}
          />
        )}
      </div>
    );
  }
  const c = customer.data;
  return (
    <div className="space-y-6">
      <BackLink to="/admin/customers">All customers</BackLink>
      <PageHeader
        title={c.name}
        documentTitle={`${c.name} — Customers`}
        description={c.email}
        actions={<CustomerActions customer={c} />}
      />
      <div className="grid gap-4 md:grid-cols-3">
        <AccountCard customer={c} />
        <StripeCard customer={c} />
        <CreditCard customer={c} />
      </div>
      <DetailSection title="Subscriptions">
        <Subscriptions customer={c} />
      </DetailSection>
      {/* Side by side only where the invoices table (with its Refund buttons) fits. */}
      <div className="grid gap-6 2xl:grid-cols-2">
        <DetailSection
          title="Recent invoices"
          note={c.moreInvoices ? "Older ones are in the timeline." : null}
        >
          <Invoices customer={c} />
        </DetailSection>
        <DetailSection
          title="Recent orders"
          note={c.moreOrders ? "Older ones are in the timeline." : null}
        >
          <Orders customer={c} />
        </DetailSection>
      </div>
      <DetailSection title="Usage and credits">
        <CustomerWallet userId={c.id} />
      </DetailSection>
      <DetailSection title="Timeline">
        <CustomerTimeline customerId={c.id} />
      </DetailSection>
    </div>
  );
}

function AccountCard({ customer: c }: { customer: Customer }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h2>Account</h2>
        </CardTitle>
      </CardHeader>
      <CardContent>
        <dl className="space-y-2">
          <Fact label="Signed up">{formatDate(c.createdAt)}</Fact>
          <Fact label="Status">
            {c.disabled ? (
              <Badge variant="destructive">Disabled</Badge>
            ) : (
              <Badge variant="success">Active</Badge>
            )}
          </Fact>
        </dl>
      </CardContent>
    </Card>
  );
}

function StripeCard({ customer: c }: { customer: Customer }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h2>Stripe customer</h2>
        </CardTitle>
      </CardHeader>
      <CardContent>
        {c.stripeCustomerId === null ? (
          <p className="text-sm text-muted-foreground">
            None yet: one is created at their first checkout.
          </p>
        ) : (
          <dl className="space-y-2">
            <Fact label="Id">
              <code className="text-xs">{c.stripeCustomerId}</code>
            </Fact>
            {c.stripe ? (
              <>
                <Fact label="Synced">{formatDateTime(c.stripe.syncedAt)}</Fact>
                {c.stripe.deleted && (
                  <Fact label="State">
                    <Badge variant="destructive">Deleted in Stripe</Badge>
                  </Fact>
                )}
                {c.stripe.delinquent && (
                  <Fact label="Payments">
                    <Badge variant="destructive">Delinquent</Badge>
                  </Fact>
                )}
              </>
            ) : (
              <Fact label="Synced">Not yet — resync to fetch it</Fact>
            )}
          </dl>
        )}
      </CardContent>
    </Card>
  );
}

function CreditCard({ customer: c }: { customer: Customer }) {
  const { credit, owed, currency } = c.credit;
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h2>Credit balance</h2>
        </CardTitle>
      </CardHeader>
      <CardContent>
        <p className="text-2xl font-semibold tabular-nums">
          {currency ? formatMoney(credit, currency) : "—"}
        </p>
        <p className="text-sm text-muted-foreground">
          {owed > 0 && currency
            ? `Owes ${formatMoney(owed, currency)}, added to their next invoice.`
            : "Used automatically on their next invoices."}
        </p>
      </CardContent>
    </Card>
  );
}

function Subscriptions({ customer: c }: { customer: Customer }) {
  if (c.subscriptions.length === 0) {
    return <p className="text-sm text-muted-foreground">No current or recent subscription.</p>;
  }
  return (
    <ul className="space-y-3">
      {c.subscriptions.map((s) => (
        <li
          key={s.id}
          className="flex flex-wrap items-start justify-between gap-3 rounded-lg border p-3"
        >
          <div className="space-y-1">
            <div className="flex flex-wrap items-center gap-2">
              <SubscriptionBadge status={s.status} />
              <code className="text-xs text-muted-foreground">{s.id}</code>
            </div>
            <p className="text-sm">
              {s.items
                .map((i) => `${i.productName ?? i.priceNickname ?? "Plan"} × ${i.quantity ?? 1}`)
                .join(", ")}
            </p>
          </div>
          <div className="text-right text-sm text-muted-foreground">
            {s.ended
              ? `Ended ${formatDate(s.endedAt ?? s.canceledAt)}`
              : s.cancelAtPeriodEnd
                ? `Cancels ${formatDate(s.currentPeriodEnd)}`
                : `Renews ${formatDate(s.currentPeriodEnd)}`}
          </div>
        </li>
      ))}
    </ul>
  );
}

function Invoices({ customer: c }: { customer: Customer }) {
  if (c.invoices.length === 0) return <p className="text-sm text-muted-foreground">No invoices.</p>;
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Invoice</TableHead>
          <TableHead>Date</TableHead>
          <TableHead>State</TableHead>
          <TableHead className="text-right">Total</TableHead>
          <TableHead>
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {c.invoices.map((i) => (
          <TableRow key={i.id}>
            <TableCell>
              {i.hostedInvoiceUrl ? (
                <a
                  href={i.hostedInvoiceUrl}
                  target="_blank"
                  rel="noreferrer"
                  className="underline-offset-4 hover:underline"
                >
                  {i.number ?? i.id}
                </a>
              ) : (
                (i.number ?? i.id)
              )}
            </TableCell>
            <TableCell className="tabular-nums">{formatDate(i.createdAt)}</TableCell>
            <TableCell>{words(i.state)}</TableCell>
            <TableCell className="text-right tabular-nums">
              {formatMoney(i.total, i.currency)}
              {taxNote(i.tax, i.currency) && (
                <span className="block text-xs text-muted-foreground">
                  {taxNote(i.tax, i.currency)}
                </span>
              )}
            </TableCell>
            <TableCell className="text-right">
              {i.state === "paid" && i.amountPaid > 0 && (
                <RefundDialog
                  target={{ invoiceId: i.id }}
                  size="sm"
                  accessibleLabel={`Refund invoice ${i.number ?? i.id}`}
                />
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Orders({ customer: c }: { customer: Customer }) {
  if (c.orders.length === 0) return <p className="text-sm text-muted-foreground">No orders.</p>;
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Placed</TableHead>
          <TableHead>Payment</TableHead>
          <TableHead>Delivery</TableHead>
          <TableHead className="text-right">Total</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {c.orders.map((o) => (
          <TableRow key={o.id}>
            <TableCell className="tabular-nums">{formatDate(o.placedAt)}</TableCell>
            <TableCell>{words(o.paymentState)}</TableCell>
            <TableCell>{words(o.shipmentState)}</TableCell>
            <TableCell className="text-right tabular-nums">
              {formatMoney(o.amountTotal, o.currency)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
