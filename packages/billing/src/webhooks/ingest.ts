import { commitTogether, insertOrIgnore, webhookEvents, type Db } from "@folio/db";
import type { Clock } from "../clock.ts";
import { eventTarget } from "../sync/events.ts";
import { verifyStripeSignature, type SignatureFailure } from "./signature.ts";

export interface IngestInput {
  rawBody: Buffer | string;
  signatureHeader: string | string[] | undefined | null;
  /** Every currently valid endpoint secret (more than one during rotation). */
  secrets: readonly string[];
  toleranceSeconds?: number;
}

export type IngestResult =
  | { ok: true; eventId: string; status: "pending" | "ignored"; duplicate: boolean }
  | { ok: false; reason: SignatureFailure | "invalid_payload" };

interface EventEnvelope {
  id: string;
  type: string;
  created: number;
  api_version: string | null;
  livemode: boolean;
  objectId: string | null;
  objectType: string | null;
}

function envelope(body: string): EventEnvelope | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== "object") return null;
  const e = parsed as Record<string, unknown>;
  if (typeof e.id !== "string" || e.id.length === 0 || e.id.length > 255) return null;
  if (typeof e.type !== "string" || e.type.length === 0) return null;
  // Snapshot events carry unix seconds; thin (v2) events an ISO string.
  let createdMs: number;
  if (typeof e.created === "number" && Number.isFinite(e.created)) createdMs = e.created * 1000;
  else if (typeof e.created === "string" && !Number.isNaN(Date.parse(e.created)))
    createdMs = Date.parse(e.created);
  else return null;
  const data = e.data as { object?: { id?: unknown; object?: unknown } } | undefined;
  const obj = data?.object;
  const related = e.related_object as { id?: unknown; type?: unknown } | undefined;
  return {
    id: e.id,
    type: e.type,
    created: createdMs,
    api_version: typeof e.api_version === "string" ? e.api_version : null,
    livemode: e.livemode === true,
    objectId:
      typeof obj?.id === "string" ? obj.id : typeof related?.id === "string" ? related.id : null,
    objectType:
      typeof obj?.object === "string"
        ? obj.object
        : typeof related?.type === "string"
          ? related.type
          : null,
  };
}

/**
 * Verifies, parses and stores one webhook delivery in the inbox — nothing more, so Stripe gets
 * its acknowledgement fast. Duplicates (same event id) are acknowledged and dropped; types Folio
 * does not apply are stored as `ignored`. Nothing is written unless the signature is valid.
 */
export async function ingestWebhook(
  deps: { db: Db; clock: Clock },
  input: IngestInput,
): Promise<IngestResult> {
  const header = Array.isArray(input.signatureHeader)
    ? input.signatureHeader.join(",")
    : input.signatureHeader;
  const now = deps.clock.now();
  const verdict = verifyStripeSignature(
    input.rawBody,
    header,
    input.secrets,
    now.getTime(),
    input.toleranceSeconds ?? 300,
  );
  if (!verdict.ok) return { ok: false, reason: verdict.reason };

  const body = typeof input.rawBody === "string" ? input.rawBody : input.rawBody.toString("utf8");
  const stored = await ingestEvent(deps, body);
  if (!stored) return { ok: false, reason: "invalid_payload" };
  return { ok: true, eventId: stored.eventId, status: stored.status, duplicate: !stored.inserted };
}

/**
 * Stores an already-authenticated event body (verified signature, or fetched from the API) in
 * the inbox; null when it is not a Stripe event.
 */
export async function ingestEvent(
  deps: { db: Db; clock: Clock },
  body: string,
): Promise<{ eventId: string; status: "pending" | "ignored"; inserted: boolean } | null> {
  const now = deps.clock.now();
  const e = envelope(body);
  if (!e) return null;
  const handled = e.objectId !== null && eventTarget(e.type) !== null;
  const status = handled ? "pending" : "ignored";
  // One cached statement, committed durably together with the deliveries that arrived beside
  // it: the caller acknowledges only once the event is on disk (Stripe never resends an
  // acknowledged event).
  const row = {
    id: e.id,
    type: e.type,
    apiVersion: e.api_version,
    created: new Date(e.created),
    livemode: e.livemode,
    objectId: e.objectId,
    objectType: e.objectType,
    payload: body,
    status,
    attempts: 0,
    nextAttemptAt: handled ? now : null,
    lastError: null,
    lastFailedAt: null,
    receivedAt: now,
    appliedAt: null,
  };
  const inserted = await commitTogether(deps.db, (tx) => insertOrIgnore(tx, webhookEvents, row));
  return { eventId: e.id, status, inserted };
}
