import { getRouteApi } from "@tanstack/react-router";
import { PackageIcon, ReceiptTextIcon, WalletIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { SubscriptionsCard } from "@/features/billing/subscriptions-card";

const billingRoute = getRouteApi("/billing");

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

export function BillingOverviewPage() {
  const { me } = billingRoute.useRouteContext();
  return (
    <div className="space-y-8">
      <PageHeader
        title={`Hi ${firstName(me.user.name)}`}
        documentTitle="Billing"
        description="Your subscriptions, invoices and account credit, all in one place."
      />
      <div className="grid gap-4 md:grid-cols-3">
        <SubscriptionsCard className="md:col-span-2" />
        <Card>
          <CardHeader>
            <CardTitle>Account</CardTitle>
            <CardDescription>The details invoices are addressed to.</CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="space-y-3 text-sm">
              <div>
                <dt className="text-muted-foreground">Name</dt>
                <dd className="font-medium break-words">{me.user.name}</dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Email</dt>
                <dd className="font-medium break-all">{me.user.email}</dd>
              </div>
            </dl>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}

export function InvoicesPage() {
  return (
    <div className="space-y-6">
      <PageHeader title="Invoices" description="Every invoice for your account." />
      <EmptyState
        icon={ReceiptTextIcon}
        title="Your invoices will appear here"
        description="Each invoice Stripe issues for your account is listed here with its amount, status and a PDF you can download."
      />
    </div>
  );
}

export function OrdersPage() {
  return (
    <div className="space-y-6">
      <PageHeader title="Orders" description="One-off purchases and their delivery." />
      <EmptyState
        icon={PackageIcon}
        title="Your orders will appear here"
        description="When you buy something, the order shows up here with its payment and fulfilment status, from checkout to delivery."
      />
    </div>
  );
}

export function CreditPage() {
  return (
    <div className="space-y-6">
      <PageHeader title="Credit" description="Account credit applied to your invoices." />
      <EmptyState
        icon={WalletIcon}
        title="Account credit will appear here"
        description="If our team grants you credit, its balance and history show up here, and it is applied automatically to your next invoices."
      />
    </div>
  );
}
