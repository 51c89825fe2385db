import type { LucideIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { sectionByPath, type AdminSection } from "@/features/admin/sections";

// Sections not built yet (the admin console and revenue issues build them). Each says so plainly,
// rather than looking like an empty list, and what it is going to show.

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

export function RevenuePage() {
  return (
    <UpcomingSection
      to="/admin/revenue"
      title="Not built yet"
      description="Coming: monthly recurring revenue, churn and revenue by plan, computed from your Stripe subscriptions."
    />
  );
}
