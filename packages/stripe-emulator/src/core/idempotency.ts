import { createHash } from "node:crypto";
import type { Store } from "./store.ts";

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Same key + different method, path or params must be rejected, so all three go in. */
export function fingerprint(method: string, path: string, params: unknown): string {
  return createHash("sha256")
    .update(`${method} ${path}\n${canonical(params)}`)
    .digest("hex");
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function lookup(
  store: Store,
  key: string,
  now: number,
): { fingerprint: string; response: StoredResponse } | undefined {
  const row = store.db.prepare("SELECT * FROM idempotency_keys WHERE key = ?").get(key) as
    | { fingerprint: string; status: number; headers: string; body: string; created: number }
    | undefined;
  if (!row) return undefined;
  // Keys expire after 24h of emulator time; an expired key starts a fresh request.
  if (row.created + IDEMPOTENCY_TTL_SECONDS <= now) {
    store.db.prepare("DELETE FROM idempotency_keys WHERE key = ?").run(key);
    return undefined;
  }
  return {
    fingerprint: row.fingerprint,
    response: {
      status: row.status,
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: row.body,
    },
  };
}

export function save(
  store: Store,
  key: string,
  print: string,
  response: StoredResponse,
  now: number,
): void {
  store.db
    .prepare(
      "INSERT OR REPLACE INTO idempotency_keys (key, fingerprint, status, headers, body, created) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .run(key, print, response.status, JSON.stringify(response.headers), response.body, now);
}
