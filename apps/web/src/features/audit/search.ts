import type { RouterOutputs } from "@folio/server/api";
import * as z from "zod/mini";
import { defineListSearch } from "@/lib/list-search";

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
    actorType: z.enum(ACTOR_TYPES),
    actor: z.string().check(z.trim(), z.minLength(1), z.maxLength(255)),
    action: z.string().check(z.maxLength(200), z.regex(ACTION_PATTERN)),
    target: z.string().check(z.trim(), z.minLength(1), z.maxLength(255)),
    from: z.string().check(z.regex(DAY)),
    to: z.string().check(z.regex(DAY)),
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
