import type { AppRouter } from "@folio/server";
import type { inferRouterOutputs } from "@trpc/server";

type RouterOutputs = inferRouterOutputs<AppRouter>;
export type WebhookEventRow = RouterOutputs["webhooks"]["list"]["items"][number];
export type WebhookEventDetail = RouterOutputs["webhooks"]["byId"];
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

/** The inbox view lives in the URL so it can be shared and survives reloads. */
export interface WebhookSearch {
  status?: WebhookStatus;
  type?: string;
  /** Opaque cursor of the page being shown; absent for the newest events. */
  cursor?: string;
  /** Event whose details are open. */
  event?: string;
}

function text(value: unknown, max: number): string | undefined {
  return typeof value === "string" && value !== "" && value.length <= max ? value : undefined;
}

export function validateWebhookSearch(search: Record<string, unknown>): WebhookSearch {
  const status = WEBHOOK_STATUSES.find((s) => s === search.status);
  const type = text(search.type, 200);
  return {
    status,
    type: type && EVENT_TYPE_PATTERN.test(type) ? type : undefined,
    cursor: text(search.cursor, 512),
    event: text(search.event, 255),
  };
}
