import type { PendingPlanChange } from "@folio/billing";

/** A scheduled plan change as the overview and the plan page both receive it. */
export function pendingChangeOut(p: PendingPlanChange | null) {
  return (
    p && {
      scheduleId: p.scheduleId,
      effectiveAt: p.effectiveAt.toISOString(),
      madeHere: p.madeHere,
      items: p.items,
    }
  );
}
