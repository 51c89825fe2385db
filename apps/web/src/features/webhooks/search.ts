import type { RouterOutputs } from "@folio/server/api";
import * as z from "zod/mini";
import { defineListSearch } from "@/lib/list-search";

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
    status: z.enum(WEBHOOK_STATUSES),
    type: z.string().check(z.maxLength(200), z.regex(EVENT_TYPE_PATTERN)),
  },
  params: { event: z.string().check(z.minLength(1), z.maxLength(255)) },
});

export type WebhookSearch = ReturnType<typeof webhookListSearch.parse>;
