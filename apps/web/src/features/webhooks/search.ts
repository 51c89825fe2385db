import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";
import { oneOf, text } from "@/lib/search-params";

export type WebhookEventRow = RouterOutputs["admin"]["webhooks"]["list"]["items"][number];
export type WebhookEventDetail = RouterOutputs["admin"]["webhooks"]["byId"];
export type WebhookStatus = WebhookEventRow["status"];

export const WEBHOOK_STATUSES = [
  "pending",
  "applied",
  "ignored",
  "failed",
  "dead",
] as const satisfies readonly WebhookStatus[];

export const STATUS_LABELS: Record<WebhookStatus, string> = {
  pending: "Pending",
  applied: "Applied",
  ignored: "Ignored",
  failed: "Failed",
  dead: "Dead-lettered",
};

/** Failed and dead-lettered events can be put back in the queue; the others cannot. */
export function isRetryable(status: WebhookStatus): boolean {
  return status === "failed" || status === "dead";
}

/** Same rule the server applies: an event type, optionally ending in `*` for a prefix. */
export const EVENT_TYPE_PATTERN = /^[a-z0-9_.]+\*?$/i;

/** The inbox view in the URL: filters, page, and the event whose details are open. */
export const webhookListSearch = defineListSearch({
  filters: {
    status: oneOf(WEBHOOK_STATUSES),
    type: text({ max: 200, pattern: EVENT_TYPE_PATTERN }),
  },
  params: { event: text({ min: 1, max: 255 }) },
});

export type WebhookSearch = ReturnType<typeof webhookListSearch.parse>;
