import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";
import { oneOf, text } from "@/lib/search-params";

export type AuditEntry = RouterOutputs["admin"]["audit"]["list"]["items"][number];
export type ActorType = AuditEntry["actorType"];

export const ACTOR_TYPES = [
  "staff",
  "customer",
  "operator",
  "sync",
  "job",
] as const satisfies readonly ActorType[];

export const ACTOR_TYPE_LABELS: Record<ActorType, string> = {
  staff: "Staff",
  customer: "Customer",
  operator: "Operator (CLI)",
  sync: "Stripe sync",
  job: "Job",
};

/** Same rule the server applies: an action name, optionally ending in `*` for a prefix. */
export const ACTION_PATTERN = /^[a-z0-9_.]+\*?$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The audit log's view in the URL: who, what, which object, which days, and the page. */
export const auditListSearch = defineListSearch({
  filters: {
    actorType: oneOf(ACTOR_TYPES),
    actor: text({ trim: true, min: 1, max: 255 }),
    action: text({ max: 200, pattern: ACTION_PATTERN }),
    target: text({ trim: true, min: 1, max: 255 }),
    from: text({ pattern: DAY }),
    to: text({ pattern: DAY }),
  },
});

export type AuditSearch = ReturnType<typeof auditListSearch.parse>;

/** The fields an entry changed, as `[field, before, after]`, in a stable order. */
export function changedFields(entry: Pick<AuditEntry, "before" | "after">) {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.map((key) => [key, before[key], after[key]] as const);
}

/** A field's value as a person reads it: text as is, anything else as JSON, absent as "—". */
export function showValue(value: unknown): string {
  if (value === undefined || value === null) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}
