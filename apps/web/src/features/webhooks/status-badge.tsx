import { Badge } from "@/components/ui/badge";
import { STATUS_LABELS, type WebhookStatus } from "@/features/webhooks/search";

const VARIANT = {
  applied: "success",
  pending: "secondary",
  ignored: "outline",
  failed: "warning",
  dead: "destructive",
} as const satisfies Record<WebhookStatus, string>;

export function WebhookStatusBadge({ status }: { status: WebhookStatus }) {
  return <Badge variant={VARIANT[status]}>{STATUS_LABELS[status]}</Badge>;
}
