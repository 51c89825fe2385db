import { auditLog, type Db } from "@folio/db";
import type { SyncTx } from "../sync/hooks.ts";

/** Anything that can write: the database or a transaction on it. */
export type Writer = Db | SyncTx;

export interface AuditEntry {
  /** `user:<id>`, `staff:<id>`, `system:<component>` or `stripe:<event id>`. */
  actor: string;
  /** Dotted verb, e.g. `order.created`, `refund.requested`. */
  action: string;
  /** `<type>:<id>` of the object acted on. */
  subject: string;
  details?: Record<string, unknown>;
  at: Date;
}

/**
 * Appends one audit row. Call it with the transaction that performs the action so the record
 * and the action commit or roll back together.
 */
export function audit(tx: Writer, entry: AuditEntry): void {
  tx.insert(auditLog)
    .values({
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      details: entry.details ?? {},
      at: entry.at,
    })
    .run();
}

/** The actor for changes caused by a Stripe event (or by a sync/fetch when there is none). */
export function syncActor(event: { id: string | null; type: string }): string {
  return event.id ? `stripe:${event.id}` : `system:${event.type}`;
}
