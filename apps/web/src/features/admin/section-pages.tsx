import type { LucideIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { sectionByPath, type AdminSection } from "@/features/admin/sections";

// Sections whose data arrives with later features: each says plainly what it will show.

function UpcomingSection({
  to,
  icon,
  title,
  description,
}: {
  to: AdminSection["to"];
  icon?: LucideIcon;
  title: string;
  description: string;
}) {
  const section = sectionByPath(to);
  return (
    <div className="space-y-6">
      <PageHeader title={section.label} description={section.summary} />
      <EmptyState icon={icon ?? section.icon} title={title} description={description} />
    </div>
  );
}

export function CustomersPage() {
  return (
    <UpcomingSection
      to="/admin/customers"
      title="Customer records will appear here"
      description="Every customer account with its Stripe subscriptions, invoices and credit balance, searchable by name or email."
    />
  );
}

export function AdminOrdersPage() {
  return (
    <UpcomingSection
      to="/admin/orders"
      title="Orders will appear here"
      description="Each order paid through Stripe, with its items, payment status, refunds and delivery status."
    />
  );
}

export function FulfilmentPage() {
  return (
    <UpcomingSection
      to="/admin/fulfilment"
      title="The fulfilment queue will appear here"
      description="Paid orders waiting to be shipped or delivered, oldest first, ready to be marked as fulfilled."
    />
  );
}

export function RevenuePage() {
  return (
    <UpcomingSection
      to="/admin/revenue"
      title="Revenue metrics will appear here"
      description="Monthly recurring revenue, churn and revenue by plan, computed from your Stripe subscriptions."
    />
  );
}
