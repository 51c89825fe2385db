import { Badge } from "@/components/ui/badge";

const LABELS: Record<string, string> = {
  active: "Active",
  trialing: "Trialing",
  past_due: "Past due",
  unpaid: "Unpaid",
  paused: "Paused",
  incomplete: "Incomplete",
  incomplete_expired: "Expired",
  canceled: "Canceled",
};

/** A Stripe subscription status as a badge; "None" for a customer without one. */
export function SubscriptionBadge({ status }: { status: string | null }) {
  if (status === null) return <span className="text-muted-foreground">None</span>;
  const variant =
    status === "active" || status === "trialing"
      ? "success"
      : status === "past_due" || status === "unpaid" || status === "incomplete"
        ? "warning"
        : "secondary";
  return <Badge variant={variant}>{LABELS[status] ?? status}</Badge>;
}
