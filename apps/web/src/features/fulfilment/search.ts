import type { RouterOutputs } from "@folio/server/api";
import * as z from "zod/mini";
import { defineListSearch } from "@/lib/list-search";

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
    state: z.enum([...TASK_STATES, "all"]),
    assignee: z.enum(["me", "unassigned"]),
    search: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  },
});

export type FulfilmentSearch = ReturnType<typeof fulfilmentListSearch.parse>;
