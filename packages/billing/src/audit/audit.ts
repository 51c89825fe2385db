import { auditLog, type Tx } from "@folio/db";
import { actorId, type Actor } from "./actor.ts";

export interface AuditEntry {
  /** Dotted verb, e.g. `staff.disabled`, `order.created`. */
  action: string;
  /** `<type>:<id>` of the object acted on, e.g. `user:usr_…`. */
  target: string;
  /** The fields the action changed, as they were and as they are now. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** Why, in the actor's words (staff actions ask for one). */
  reason?: string | null;
  at: Date;
}

/**
 * Appends one audit row. Call it with the transaction that performs the action so the record
 * and the action commit or roll back together. The table refuses updates and deletes.
 */
export async function audit(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    actorType: actor.type,
    actorId: actorId(actor),
    action: entry.action,
    target: entry.target,
    before: entry.before ?? null,
    after: entry.after ?? null,
    reason: entry.reason ?? null,
    ip: "ip" in actor ? (actor.ip ?? null) : null,
    at: entry.at,
  });
}
