import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";
import { oneOf, text } from "@/lib/search-params";

export type ShippingTask = RouterOutputs["admin"]["fulfilment"]["list"]["items"][number];
export type TaskState = ShippingTask["status"];

export const TASK_STATES = [
  "pending",
  "picking",
  "packed",
  "shipped",
  "delivered",
  "canceled",
] as const satisfies readonly TaskState[];

export const STATE_LABELS: Record<TaskState, string> = {
  pending: "Pending",
  picking: "Picking",
  packed: "Packed",
  shipped: "Shipped",
  delivered: "Delivered",
  canceled: "Canceled",
};

/** The queue's view in the URL. No state means the open tasks (pending, picking, packed). */
export const fulfilmentListSearch = defineListSearch({
  filters: {
    state: oneOf([...TASK_STATES, "all"]),
    assignee: oneOf(["me", "unassigned"]),
    search: text({ trim: true, min: 1, max: 100 }),
  },
});

export type FulfilmentSearch = ReturnType<typeof fulfilmentListSearch.parse>;
