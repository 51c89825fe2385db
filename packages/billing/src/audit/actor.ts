import type { Role } from "@folio/db";

/**
 * Who is acting. Every command takes one and every audit row records it; never a free-form
 * string. `ip` is the client address when the action came over HTTP.
 */
export type Actor =
  | { type: "customer"; userId: string; ip?: string | null }
  | { type: "staff"; userId: string; role: Exclude<Role, "customer">; ip?: string | null }
  /** A change that came from Stripe: a webhook event, or a fetch/backfill (eventId null). */
  | { type: "sync"; eventId: string | null; source: string }
  /** Someone at the server's command line (`folio user:create` …); `name` is the OS user. */
  | { type: "operator"; name: string }
  /** A scheduled or queued job. */
  | { type: "job"; name: string };

/** The actor for changes caused by a Stripe event (or by a sync/fetch when there is none). */
export function syncActor(event: { id: string | null; type: string }): Actor {
  return { type: "sync", eventId: event.id, source: event.type };
}

/** The id the audit log stores for an actor (user id, event id, OS user or job name). */
export function actorId(actor: Actor): string | null {
  switch (actor.type) {
    case "customer":
    case "staff":
      return actor.userId;
    case "sync":
      return actor.eventId ?? actor.source;
    case "operator":
    case "job":
      return actor.name;
  }
}
