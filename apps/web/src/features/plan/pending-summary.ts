import { plural } from "./plan";
import type { Pending } from "./types";

/** What a scheduled change comes to: "Plus + 2 seats", its total per period and the period. */
export function summarizePending(pending: Pending) {
  const plan = pending.items.find((i) => i.kind === "plan") ?? pending.items[0];
  const seats = pending.items.find((i) => i !== plan)?.quantity ?? 0;
  return {
    name: `${plan?.productName ?? plan?.nickname ?? "a new plan"}${seats > 0 ? ` + ${plural(seats, "seat")}` : ""}`,
    total: pending.items.reduce((sum, i) => sum + (i.unitAmount ?? 0) * i.quantity, 0),
    currency: plan?.currency ?? null,
    interval: plan?.interval ?? null,
    intervalCount: plan?.intervalCount ?? null,
  };
}
